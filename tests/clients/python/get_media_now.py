"""GetMedia NOW with boto3 against kvs local: writes what it read and when (issue 10).

Usage: get_media_now.py ENDPOINT STREAM OUTPUT READY_FILE
Prints one JSON line: seconds until the response started, epoch time of the first body byte,
bytes read. Credentials and region come from the AWS_* environment variables.
"""
import json
import sys
import time

import boto3
from botocore.config import Config

endpoint, stream, output, ready_file = sys.argv[1:5]
config = Config(read_timeout=2, retries={"max_attempts": 1})
control = boto3.client("kinesisvideo", endpoint_url=endpoint, config=config)
data_endpoint = control.get_data_endpoint(StreamName=stream, APIName="GET_MEDIA")["DataEndpoint"]
media = boto3.client("kinesis-video-media", endpoint_url=data_endpoint, config=config)

asked = time.time()
response = media.get_media(StreamName=stream, StartSelector={"StartSelectorType": "NOW"})
started = time.time() - asked
with open(ready_file, "w") as ready:
    ready.write("started")

payload = response["Payload"]
first_byte_at = None
data = bytearray()
try:
    first = payload.read(1)
    first_byte_at = time.time()
    data += first
    while True:
        piece = payload.read(4096)
        if not piece:
            break
        data += piece
except Exception:  # read_timeout: the live stream went quiet, which ends this reader
    pass

with open(output, "wb") as out:
    out.write(bytes(data))
print(json.dumps({"started_seconds": started, "first_byte_at": first_byte_at, "bytes": len(data),
                  "content_type": response.get("ContentType")}))
