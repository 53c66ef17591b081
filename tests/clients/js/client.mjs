// The AWS SDK for JavaScript v3 against kvs local: every implemented kinesisvideo / media /
// archived-media operation and the modeled errors, in one scripted sequence (issue 10).
// Usage: node client.mjs ENDPOINT STREAM. Prints one JSON object: step -> outcome
// ({"error": <exception name or null>, "message": ..., "status": <HTTP status>, ...}).
// Credentials and region come from the AWS_* environment variables.
import * as kvs from "@aws-sdk/client-kinesis-video";
import * as media from "@aws-sdk/client-kinesis-video-media";
import * as archived from "@aws-sdk/client-kinesis-video-archived-media";

const [endpoint, stream] = process.argv.slice(2);
const options = { endpoint, maxAttempts: 1 };
const kv = new kvs.KinesisVideoClient(options);
const results = {};

async function step(name, call, check) {
  try {
    const response = await call();
    results[name] = { error: null };
    if (check) results[name].check = await check(response);
  } catch (e) {
    results[name] = { error: e.name, message: e.message, status: e.$metadata?.httpStatusCode ?? null };
  }
}

const send = (Command, input) => kv.send(new Command(input));
const version = async () => (await send(kvs.DescribeStreamCommand, { StreamName: stream })).StreamInfo.Version;
const dataEndpoint = async (APIName) => (await send(kvs.GetDataEndpointCommand, { StreamName: stream, APIName })).DataEndpoint;

await step("CreateStream", () => send(kvs.CreateStreamCommand, { StreamName: stream, DataRetentionInHours: 1, MediaType: "video/h264", Tags: { team: "cam" } }));
await step("DescribeStream", () => send(kvs.DescribeStreamCommand, { StreamName: stream }), (r) => r.StreamInfo.Status);
const arn = (await send(kvs.DescribeStreamCommand, { StreamName: stream })).StreamInfo.StreamARN;
await step("ListStreams", () => send(kvs.ListStreamsCommand, { StreamNameCondition: { ComparisonOperator: "BEGINS_WITH", ComparisonValue: stream } }),
  (r) => r.StreamInfoList.map((s) => s.StreamName));
await step("GetDataEndpoint", () => send(kvs.GetDataEndpointCommand, { StreamName: stream, APIName: "PUT_MEDIA" }), (r) => r.DataEndpoint.startsWith("http"));
await step("TagStream", () => send(kvs.TagStreamCommand, { StreamName: stream, Tags: { site: "door" } }));
await step("ListTagsForStream", () => send(kvs.ListTagsForStreamCommand, { StreamName: stream }), (r) => Object.keys(r.Tags).sort());
await step("UntagStream", () => send(kvs.UntagStreamCommand, { StreamName: stream, TagKeyList: ["site"] }));
await step("TagResource", () => send(kvs.TagResourceCommand, { ResourceARN: arn, Tags: [{ Key: "k", Value: "v" }] }));
await step("ListTagsForResource", () => send(kvs.ListTagsForResourceCommand, { ResourceARN: arn }), (r) => Object.keys(r.Tags).sort());
await step("UntagResource", () => send(kvs.UntagResourceCommand, { ResourceARN: arn, TagKeyList: ["k"] }));
await step("UpdateStream", async () => send(kvs.UpdateStreamCommand, { StreamName: stream, CurrentVersion: await version(), DeviceName: "door-cam" }));
await step("UpdateDataRetention", async () => send(kvs.UpdateDataRetentionCommand, {
  StreamName: stream, CurrentVersion: await version(), Operation: "INCREASE_DATA_RETENTION", DataRetentionChangeInHours: 1 }));
await step("DescribeImageGenerationConfiguration", () => send(kvs.DescribeImageGenerationConfigurationCommand, { StreamName: stream }));
await step("DescribeNotificationConfiguration", () => send(kvs.DescribeNotificationConfigurationCommand, { StreamName: stream }));
await step("ListSignalingChannels", () => send(kvs.ListSignalingChannelsCommand, {}), (r) => r.ChannelInfoList);
await step("CreateSignalingChannel", () => send(kvs.CreateSignalingChannelCommand, { ChannelName: "door-channel" }));
await step("DescribeSignalingChannel", () => send(kvs.DescribeSignalingChannelCommand, { ChannelName: "door-channel" }));
await step("UpdateImageGenerationConfiguration", () => send(kvs.UpdateImageGenerationConfigurationCommand, { StreamName: stream, ImageGenerationConfiguration: {
  Status: "ENABLED", ImageSelectorType: "SERVER_TIMESTAMP", DestinationConfig: { Uri: "s3://bucket/x", DestinationRegion: "us-west-2" }, SamplingInterval: 3000, Format: "JPEG" } }));
// Operations newer than Debian's botocore: only this client has them.
await step("DescribeMappedResourceConfiguration", () => send(kvs.DescribeMappedResourceConfigurationCommand, { StreamName: stream }), (r) => r.MappedResourceConfigurationList);
await step("DescribeEdgeConfiguration", () => send(kvs.DescribeEdgeConfigurationCommand, { StreamName: stream }));
await step("ListEdgeAgentConfigurations", () => send(kvs.ListEdgeAgentConfigurationsCommand, { HubDeviceArn: "arn:aws:iot:us-west-2:123456789012:thing/hub" }), (r) => r.EdgeConfigs);
await step("DescribeMediaStorageConfiguration", () => send(kvs.DescribeMediaStorageConfigurationCommand, { ChannelName: "door-channel" }));
await step("DescribeStreamStorageConfiguration", () => send(kvs.DescribeStreamStorageConfigurationCommand, { StreamName: stream }), (r) => r.StreamStorageConfiguration.DefaultStorageTier);
await step("UpdateStreamStorageConfiguration", async () => send(kvs.UpdateStreamStorageConfigurationCommand, {
  StreamName: stream, CurrentVersion: await version(), StreamStorageConfiguration: { DefaultStorageTier: "WARM" } }));

const archivedClient = new archived.KinesisVideoArchivedMediaClient({ ...options, endpoint: await dataEndpoint("LIST_FRAGMENTS") });
await step("ListFragments", () => archivedClient.send(new archived.ListFragmentsCommand({ StreamName: stream })), (r) => r.Fragments);
await step("GetMediaForFragmentList.unknown", () => archivedClient.send(new archived.GetMediaForFragmentListCommand({ StreamName: stream, Fragments: ["91343852333000000000000000001"] })));
const mediaClient = new media.KinesisVideoMediaClient({ ...options, endpoint: await dataEndpoint("GET_MEDIA") });
await step("GetMedia", async () => {
  const response = await mediaClient.send(new media.GetMediaCommand({ StreamName: stream, StartSelector: { StartSelectorType: "EARLIEST" } }));
  response.Payload.destroy();
  return response;
}, (r) => r.ContentType);
await step("GetMedia.AfterFragmentNumber=abc", () => mediaClient.send(new media.GetMediaCommand({ StreamName: stream, StartSelector: { StartSelectorType: "FRAGMENT_NUMBER", AfterFragmentNumber: "abc" } })));

await step("TagStream.badKey", () => send(kvs.TagStreamCommand, { StreamName: stream, Tags: { "bad#key": "v" } }));
await step("ListStreams.MaxResults=2^40", () => send(kvs.ListStreamsCommand, { MaxResults: 2 ** 40 }));
await step("DescribeStream.missing", () => send(kvs.DescribeStreamCommand, { StreamName: "no-such-stream" }));
await step("CreateStream.duplicate", () => send(kvs.CreateStreamCommand, { StreamName: stream }));
await step("UpdateDataRetention.staleVersion", () => send(kvs.UpdateDataRetentionCommand, { StreamName: stream, CurrentVersion: "stale0", Operation: "INCREASE_DATA_RETENTION", DataRetentionChangeInHours: 1 }));
const wrongRegion = new kvs.KinesisVideoClient({ ...options, region: "eu-west-1" });
await step("DescribeStream.wrongRegion", () => wrongRegion.send(new kvs.DescribeStreamCommand({ StreamName: stream })));
await step("DeleteStream", () => send(kvs.DeleteStreamCommand, { StreamARN: arn }));
await step("DescribeStream.deleted", () => send(kvs.DescribeStreamCommand, { StreamName: stream }));
console.log(JSON.stringify(results));
process.exit(0);
