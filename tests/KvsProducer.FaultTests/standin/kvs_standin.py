#!/usr/bin/env python3
"""An independent Kinesis Video Streams stand-in for the fault suite (issue 11).

Written from kvs-protocol.md, sharing no code with src/: the control-plane calls a producer makes
(DescribeStream, CreateStream, TagStream, GetDataEndpoint, §2.2) and PutMedia (§3) with the ACK stream
(§4): BUFFERING when a Cluster's timecode arrives, RECEIVED when the Cluster ends (next Cluster, Tags,
or end of body, §6.5), PERSISTED once its bytes are written and fsynced, ERROR 5001 ARCHIVAL_ERROR ("failed to persist
the fragment", §4.4; or 5000 INTERNAL_ERROR with --write-error-id 5000) when they cannot be (a full disk). Every stored Cluster is appended to DATA/<stream>/stream.mkv behind the first session's
header, so ffprobe can count what was stored; duplicates are kept, as the service keeps them.

Python 3 standard library only. Usage:
  kvs_standin.py --port 4566 --data-dir DIR --journal FILE [--write-error-id 5000|5001]
The journal gets one JSON line per stored fragment (server time, timecode, frames) or failed write.
"""
import argparse
import http.server
import json
import os
import socketserver
import threading
import time

CLUSTER = 0x1F43B675
SEGMENT = 0x18538067
EBML = 0x1A45DFA3
TAGS = 0x1254C367
# Level-1 elements (kvs-protocol.md §6.2): one of these ends an unknown-size Cluster.
LEVEL1 = {CLUSTER, TAGS, 0x1549A966, 0x1654AE6B, 0x114D9B74, 0x1C53BB6B, 0x1043A770, 0x1941A469, EBML}
SIMPLE_BLOCK = 0xA3
# §4.4: both ask the producer to resend; 5001 says what happened, 5000 is what a service may say instead.
WRITE_ERRORS = {5000: (5000, "INTERNAL_ERROR"), 5001: (5001, "ARCHIVAL_ERROR")}
BLOCK_GROUP = 0xA0
TIMECODE = 0xE7


def read_vint(buf, pos, keep_marker):
    """EBML variable-length integer at buf[pos:] -> (value, length, all_ones) or None if incomplete (§6.1)."""
    if pos >= len(buf):
        return None
    first = buf[pos]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise ValueError("invalid EBML vint")
    if pos + length > len(buf):
        return None
    value = first if keep_marker else first & (mask - 1)
    for b in buf[pos + 1:pos + length]:
        value = (value << 8) | b
    all_ones = (first & (mask - 1)) == mask - 1 and all(b == 0xFF for b in buf[pos + 1:pos + length])
    return value, length, all_ones


def read_header(buf, pos):
    """Element ID and size at buf[pos:] -> (id, size or None for unknown, header length) or None."""
    ident = read_vint(buf, pos, True)
    if ident is None:
        return None
    size = read_vint(buf, pos + ident[1], False)
    if size is None:
        return None
    return ident[0], (None if size[2] else size[0]), ident[1] + size[1]


class Stream:
    """One stream's storage: the header once, then every persisted Cluster, in arrival order.

    stream.mkv.committed holds the length of stream.mkv up to the last Cluster acknowledged PERSISTED; a
    restart after kill -9 cuts away anything written after it (a torn or unacknowledged write), as a real
    store must: the producer sends that fragment again, since it never saw PERSISTED."""

    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, "stream.mkv")
        self.committed_path = self.path + ".committed"
        self.committed = 0
        if os.path.exists(self.committed_path):
            with open(self.committed_path) as f:
                self.committed = int(f.read().strip() or 0)
        if os.path.exists(self.path) and os.path.getsize(self.path) > self.committed:
            os.truncate(self.path, self.committed)

    def store(self, header, cluster):
        with self.lock:
            with open(self.path, "ab") as f:
                start = f.tell()
                try:
                    if start == 0:
                        f.write(header)
                    f.write(cluster)
                    f.flush()
                    os.fsync(f.fileno())
                    end = f.tell()
                    tmp = self.committed_path + ".tmp"
                    with open(tmp, "w") as c:
                        c.write(str(end))
                        c.flush()
                        os.fsync(c.fileno())
                    os.replace(tmp, self.committed_path)
                    self.committed = end
                except OSError:
                    # Nothing half-written stays behind: the file remains a valid MKV (a full disk).
                    try:
                        f.truncate(start)
                    except OSError:
                        pass
                    raise


class Endpoint:
    def __init__(self, data_dir, journal, write_error_id):
        self.write_error_id = write_error_id
        self.data_dir = data_dir
        self.journal_path = journal
        self.lock = threading.Lock()
        self.streams = {}
        self.meta_path = os.path.join(data_dir, "streams.json")
        self.meta = {}
        if os.path.exists(self.meta_path):
            with open(self.meta_path) as f:
                self.meta = json.load(f)
        self.sequence = 0

    def fragment_number(self):
        # §4.2: decimal digits, increasing in ingestion order (also across restarts: time based).
        with self.lock:
            self.sequence += 1
            return "9134385233318%020d%014d" % (time.time_ns() // 1000, self.sequence)

    def stream(self, name):
        with self.lock:
            if name not in self.streams:
                self.streams[name] = Stream(os.path.join(self.data_dir, name))
            return self.streams[name]

    def journal(self, record):
        record["server"] = time.time()
        with self.lock:
            with open(self.journal_path, "a") as f:
                f.write(json.dumps(record) + "\n")

    def save_meta(self):
        tmp = self.meta_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.meta, f)
        os.replace(tmp, self.meta_path)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    endpoint = None  # set in main

    def log_message(self, fmt, *args):
        pass

    def json_reply(self, status, body, error_type=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "standin-%d" % time.time_ns())
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type + ":")
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_POST(self):
        if self.path == "/putMedia":
            return self.put_media()
        request = self.read_json()
        ep = self.endpoint
        arn_parts = (request.get("StreamARN") or "").split("/")
        name = request.get("StreamName") or (arn_parts[1] if len(arn_parts) > 2 else None)
        with ep.lock:
            info = ep.meta.get(name)
        if self.path == "/createStream":
            if info is not None:
                return self.json_reply(400, {"Message": "Stream exists."}, "ResourceInUseException")
            info = {
                "DeviceName": request.get("DeviceName", "standin"),
                "StreamName": name,
                "StreamARN": "arn:aws:kinesisvideo:us-west-2:123456789012:stream/%s/%d" % (name, int(time.time() * 1000)),
                "MediaType": request.get("MediaType", "video/h264"),
                "KmsKeyId": "arn:aws:kms:us-west-2:123456789012:alias/aws/kinesisvideo",
                "Version": "1",
                "Status": "ACTIVE",
                "CreationTime": time.time(),
                "DataRetentionInHours": request.get("DataRetentionInHours", 2),
            }
            with ep.lock:
                ep.meta[name] = info
                ep.save_meta()
            return self.json_reply(200, {"StreamARN": info["StreamARN"]})
        if info is None:
            return self.json_reply(404, {"Message": "The requested stream is not found or not active."}, "ResourceNotFoundException")
        if self.path == "/describeStream":
            return self.json_reply(200, {"StreamInfo": info})
        if self.path == "/tagStream":
            return self.json_reply(200, {})
        if self.path == "/getDataEndpoint":
            return self.json_reply(200, {"DataEndpoint": "http://" + self.headers.get("Host", "127.0.0.1")})
        return self.json_reply(404, {"Message": "Unknown operation " + self.path}, "UnknownOperationException")

    # --- PutMedia -------------------------------------------------------------------------------

    def ack(self, event, timecode=None, number=None, error=None):
        body = {"EventType": event}
        if timecode is not None:
            body["FragmentTimecode"] = timecode
            body["FragmentNumber"] = number
        if error is not None:
            body["ErrorId"], body["ErrorCode"] = error
        data = (json.dumps(body, separators=(",", ":")) + "\n").encode()
        # §4.1: one HTTP chunk per ACK.
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def chunks(self):
        """The chunked request body, chunk by chunk (§3.3)."""
        while True:
            line = self.rfile.readline(100)
            if not line:
                raise ConnectionError("body ended without the last chunk")
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(1000) not in (b"\r\n", b"\n", b""):
                    pass
                return
            data = self.rfile.read(size)
            if len(data) < size:
                raise ConnectionError("body ended inside a chunk")
            self.rfile.read(2)
            yield data

    def put_media(self):
        ep = self.endpoint
        name = self.headers.get("x-amzn-stream-name")
        with ep.lock:
            known = name in ep.meta
        if not known:
            return self.json_reply(404, {"Message": "Stream not found."}, "ResourceNotFoundException")
        stream = ep.stream(name)
        # §3.3: 200 first, then the body is read while ACKs go out.
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-amzn-RequestId", "standin-%d" % time.time_ns())
        self.end_headers()
        self.wfile.flush()

        buf = bytearray()
        pos = 0
        header = bytearray()      # EBML header + Segment head + Info + Tracks of this session
        in_segment = False
        cluster = None            # dict while a Cluster is open
        failed = False

        def finish_cluster():
            nonlocal cluster, failed
            c, cluster = cluster, None
            if c is None or c["timecode"] is None:
                return
            self.ack("RECEIVED", c["timecode"], c["number"])
            try:
                stream.store(bytes(header), bytes(c["bytes"]))
            except OSError as e:
                ep.journal({"event": "error", "stream": name, "timecode": c["timecode"], "frames": c["frames"], "reason": str(e)})
                self.ack("ERROR", c["timecode"], c["number"], WRITE_ERRORS[ep.write_error_id])
                failed = True
                return
            ep.journal({"event": "persisted", "stream": name, "timecode": c["timecode"], "frames": c["frames"], "bytes": len(c["bytes"])})
            self.ack("PERSISTED", c["timecode"], c["number"])

        try:
            for data in self.chunks():
                buf += data
                while not failed:
                    if cluster is not None and cluster["end"] is not None:
                        # A known-size Cluster: take its payload whole.
                        need = cluster["end"] - pos
                        take = min(need, len(buf) - pos)
                        cluster["bytes"] += buf[pos:pos + take]
                        pos += take
                        if pos < cluster["end"]:
                            break
                        self.parse_children(cluster)
                        finish_cluster()
                        continue
                    h = read_header(buf, pos)
                    if h is None:
                        break
                    ident, size, hlen = h
                    if cluster is not None:
                        if ident in LEVEL1:
                            finish_cluster()
                            continue  # the same element again, now outside the Cluster
                        if pos + hlen + (size or 0) > len(buf):
                            break
                        child = buf[pos:pos + hlen + size]
                        cluster["bytes"] += child
                        self.note_child(cluster, ident, buf[pos + hlen:pos + hlen + size])
                        pos += hlen + size
                        if ident == TIMECODE:
                            self.ack("BUFFERING", cluster["timecode"], cluster["number"])
                        continue
                    if ident == SEGMENT:
                        header += buf[pos:pos + hlen]
                        pos += hlen
                        in_segment = True
                        continue
                    if ident == CLUSTER:
                        cluster = {"bytes": bytearray(buf[pos:pos + hlen]), "timecode": None, "frames": 0,
                                   "number": ep.fragment_number(),
                                   "end": None if size is None else pos + hlen + size}
                        pos += hlen
                        continue
                    if size is None:
                        raise ValueError("unknown size for element %x" % ident)
                    if pos + hlen + size > len(buf):
                        break
                    element = buf[pos:pos + hlen + size]
                    if ident == EBML or (in_segment and ident in (0x1549A966, 0x1654AE6B)):
                        header += element
                    pos += hlen + size
                if failed:
                    break  # §4.3: an ERROR ends the session
                if pos > 1 << 20:
                    del buf[:pos]
                    if cluster is not None and cluster["end"] is not None:
                        cluster["end"] -= pos
                    pos = 0
            if not failed:
                finish_cluster()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (ConnectionError, OSError, ValueError):
            self.close_connection = True
            return
        self.close_connection = True

    @staticmethod
    def note_child(cluster, ident, payload):
        if ident == TIMECODE:
            cluster["timecode"] = int.from_bytes(payload, "big")
        elif ident in (SIMPLE_BLOCK, BLOCK_GROUP):
            cluster["frames"] += 1

    def parse_children(self, cluster):
        """Timecode and frame count of a known-size Cluster (its bytes are complete)."""
        data = cluster["bytes"]
        h = read_header(data, 0)
        pos = h[2]
        while pos < len(data):
            ident, size, hlen = read_header(data, pos)
            self.note_child(cluster, ident, data[pos + hlen:pos + hlen + size])
            if ident == TIMECODE:
                self.ack("BUFFERING", cluster["timecode"], cluster["number"])
            pos += hlen + size


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--write-error-id", type=int, choices=sorted(WRITE_ERRORS), default=5001,
                        help="ErrorId of the ERROR ACK for a fragment that cannot be stored")
    args = parser.parse_args()
    os.makedirs(args.data_dir, exist_ok=True)
    Handler.endpoint = Endpoint(args.data_dir, args.journal, args.write_error_id)
    server = Server((args.bind, args.port), Handler)
    print("KVS stand-in listening on http://%s:%d" % (args.bind, args.port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
