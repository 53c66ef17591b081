"""boto3 against kvs local: every implemented kinesisvideo / media / archived-media operation and
the modeled errors, in one scripted sequence (issue 10). Prints one JSON object: step -> outcome
({"error": <modeled exception name or null>, "message": ..., "status": <HTTP status>, ...}).

Usage: every_operation.py ENDPOINT STREAM. Credentials/region from AWS_* environment variables.
"""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, stream = sys.argv[1:3]
config = Config(read_timeout=5, retries={"max_attempts": 1})
kv = boto3.client("kinesisvideo", endpoint_url=endpoint, config=config)
results = {}


def step(name, call, check=None):
    try:
        response = call()
        outcome = {"error": None}
        if check:
            outcome["check"] = check(response)
    except ClientError as e:
        outcome = {"error": e.response["Error"]["Code"], "message": e.response["Error"].get("Message", ""),
                   "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    except Exception as e:  # a client-side failure is reported, not hidden
        outcome = {"error": "client:" + type(e).__name__, "message": str(e)}
    results[name] = outcome


def endpoint_for(api):
    return kv.get_data_endpoint(StreamName=stream, APIName=api)["DataEndpoint"]


step("CreateStream", lambda: kv.create_stream(StreamName=stream, DataRetentionInHours=1, MediaType="video/h264", Tags={"team": "cam"}))
step("DescribeStream", lambda: kv.describe_stream(StreamName=stream), lambda r: r["StreamInfo"]["Status"])
arn = kv.describe_stream(StreamName=stream)["StreamInfo"]["StreamARN"]
step("ListStreams", lambda: kv.list_streams(StreamNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": stream}),
     lambda r: [s["StreamName"] for s in r["StreamInfoList"]])
step("GetDataEndpoint", lambda: kv.get_data_endpoint(StreamName=stream, APIName="PUT_MEDIA"), lambda r: r["DataEndpoint"].startswith("http"))
step("TagStream", lambda: kv.tag_stream(StreamName=stream, Tags={"site": "door"}))
step("ListTagsForStream", lambda: kv.list_tags_for_stream(StreamName=stream), lambda r: sorted(r["Tags"]))
step("UntagStream", lambda: kv.untag_stream(StreamName=stream, TagKeyList=["site"]))
step("TagResource", lambda: kv.tag_resource(ResourceARN=arn, Tags=[{"Key": "k", "Value": "v"}]))
step("ListTagsForResource", lambda: kv.list_tags_for_resource(ResourceARN=arn), lambda r: sorted(r["Tags"]))
step("UntagResource", lambda: kv.untag_resource(ResourceARN=arn, TagKeyList=["k"]))
step("UpdateStream", lambda: kv.update_stream(StreamName=stream, CurrentVersion=kv.describe_stream(StreamName=stream)["StreamInfo"]["Version"], DeviceName="door-cam"))
step("UpdateDataRetention", lambda: kv.update_data_retention(StreamName=stream, CurrentVersion=kv.describe_stream(StreamName=stream)["StreamInfo"]["Version"],
                                                             Operation="INCREASE_DATA_RETENTION", DataRetentionChangeInHours=1))
step("DescribeImageGenerationConfiguration", lambda: kv.describe_image_generation_configuration(StreamName=stream))
step("DescribeNotificationConfiguration", lambda: kv.describe_notification_configuration(StreamName=stream))
step("ListSignalingChannels", lambda: kv.list_signaling_channels(), lambda r: r["ChannelInfoList"])
step("CreateSignalingChannel", lambda: kv.create_signaling_channel(ChannelName="door-channel"))
step("DescribeSignalingChannel", lambda: kv.describe_signaling_channel(ChannelName="door-channel"))
step("UpdateImageGenerationConfiguration", lambda: kv.update_image_generation_configuration(StreamName=stream, ImageGenerationConfiguration={
    "Status": "ENABLED", "ImageSelectorType": "SERVER_TIMESTAMP", "DestinationConfig": {"Uri": "s3://bucket/x", "DestinationRegion": "us-west-2"},
    "SamplingInterval": 3000, "Format": "JPEG"}))

archived = boto3.client("kinesis-video-archived-media", endpoint_url=endpoint_for("LIST_FRAGMENTS"), config=config)
step("ListFragments", lambda: archived.list_fragments(StreamName=stream), lambda r: r["Fragments"])
step("GetMediaForFragmentList.unknown", lambda: archived.get_media_for_fragment_list(StreamName=stream, Fragments=["91343852333000000000000000001"]))
media = boto3.client("kinesis-video-media", endpoint_url=endpoint_for("GET_MEDIA"), config=config)
step("GetMedia", lambda: media.get_media(StreamName=stream, StartSelector={"StartSelectorType": "EARLIEST"}), lambda r: r["ContentType"])
step("GetMedia.AfterFragmentNumber=abc", lambda: media.get_media(StreamName=stream, StartSelector={"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": "abc"}))

step("TagStream.badKey", lambda: kv.tag_stream(StreamName=stream, Tags={"bad#key": "v"}))
step("ListStreams.MaxResults=2^40", lambda: kv.list_streams(MaxResults=2 ** 40))
step("DescribeStream.missing", lambda: kv.describe_stream(StreamName="no-such-stream"))
step("CreateStream.duplicate", lambda: kv.create_stream(StreamName=stream))
step("UpdateDataRetention.staleVersion", lambda: kv.update_data_retention(StreamName=stream, CurrentVersion="stale0", Operation="INCREASE_DATA_RETENTION", DataRetentionChangeInHours=1))
wrong_region = boto3.client("kinesisvideo", endpoint_url=endpoint, config=config, region_name="eu-west-1")
step("DescribeStream.wrongRegion", lambda: wrong_region.describe_stream(StreamName=stream))
step("DeleteStream", lambda: kv.delete_stream(StreamARN=arn))
step("DescribeStream.deleted", lambda: kv.describe_stream(StreamName=stream))
print(json.dumps(results))
