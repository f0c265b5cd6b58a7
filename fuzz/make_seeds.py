#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into fuzz/seeds/<target>/ (not committed: the
committed, minimized corpora in fuzz/corpus/ are made from these with `cargo fuzz cmin`)."""
import json, pathlib, struct

root = pathlib.Path(__file__).resolve().parent
fixtures = root.parent / "sdk-core" / "fixtures"
playlists = root.parent / "sdk-core" / "tests" / "hls"
seeds = root / "seeds"

def write(target, name, data):
    d = seeds / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)

# parse_response: endpoint, status (big-endian), headers, body (see the target's `response`).
def response(endpoint, status, body, headers=()):
    out = bytes([endpoint]) + struct.pack(">H", status) + bytes([len(headers)])
    for name, value in headers:
        out += bytes([name, len(value)]) + value
    return out + body

success = {"video_page": 0, "video": 1, "playback_token": 2, "api_key_created": 8,
           "api_key_list": 9, "api_key_revoked": 10}
rate = [(0, b"1000"), (1, b"998"), (2, b"1764979200"), (0x83, b"\x69\x2f\x00\x00"),
        (4, b"application/json")]
for name, endpoint in success.items():
    body = (fixtures / "success" / f"{name}.json").read_bytes()
    write("parse_response", name, response(endpoint, 200, body, rate if endpoint == 2 else ()))
for envelope in ("ansdev", "intelligence"):
    for path in sorted((fixtures / "errors" / envelope).glob("*.json")):
        body = path.read_bytes()
        status = json.loads(body).get("error", {}).get("status", 400)
        for endpoint in (2, 3, 5, 8):
            write("parse_response", f"{envelope}_{path.stem}_{endpoint}",
                  response(endpoint, int(status) if str(status).isdigit() else 400, body, rate))
for path in sorted((fixtures / "raw").iterdir()):
    for endpoint, status in ((2, 502), (3, 411), (5, 200), (2, 200)):
        write("parse_response", f"raw_{path.stem}_{endpoint}_{status}",
              response(endpoint, status, path.read_bytes(), [(4, b"text/html")]))
write("parse_response", "key_200", response(5, 200, bytes(range(16))))
write("parse_response", "playlist_200", response(3, 200, b"#EXTM3U\n#EXT-X-ENDLIST\n"))
write("parse_response", "success_false_200", response(
    2, 200, b'{"success":false,"data":{"token":"eyJhbGciOi9.x9_y.z"}}'))

# Playlists: the bundled ones and what real HLS has that ours does not.
hand_made = {
    "several_keys": "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:7\n"
    "#EXT-X-KEY:METHOD=AES-128,URI=\"https://k.example/k1\",IV=0x00000000000000000000000000000001\n"
    "#EXTINF:6.0,\ns0.ts\n#EXT-X-KEY:METHOD=AES-128,URI=\"k2\",KEYFORMAT=\"identity\"\n#EXTINF:6.0,\ns1.ts\n"
    "#EXT-X-KEY:METHOD=NONE\n#EXTINF:6.0,\ns2.ts\n#EXT-X-ENDLIST\n",
    "sample_aes": "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://k\","
    "KEYFORMAT=\"com.apple.streamingkeydelivery\",KEYFORMATVERSIONS=\"1\"\n#EXTINF:6,\ns.ts\n#EXT-X-ENDLIST\n",
    "aes_256": "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-256,URI=\"k\"\n#EXTINF:6,\ns.ts\n",
    "byterange": "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI=\"init.mp4\","
    "BYTERANGE=\"720@0\"\n#EXT-X-KEY:METHOD=AES-128,URI=\"/k\"\n#EXTINF:6,\n#EXT-X-BYTERANGE:1000@720\n"
    "main.ts\n#EXTINF:6,\n#EXT-X-BYTERANGE:1000\nmain.ts\n#EXT-X-ENDLIST\n",
    "discontinuity": "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n"
    "#EXT-X-PROGRAM-DATE-TIME:2026-11-30T10:00:00.000Z\n#EXTINF:9.9,title\r\na.ts\r\n"
    "#EXT-X-DISCONTINUITY\n#EXT-X-KEY:METHOD=AES-128,URI=\"data:text/plain;base64,AAAA\",IV=0X0A\n"
    "#EXTINF:10,\n../b.ts?x=1\n#EXT-X-GAP\n#EXTINF:10,\nc.ts\n",
    "low_latency": "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:4\n#EXT-X-SERVER-CONTROL:"
    "CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0\n#EXT-X-PART-INF:PART-TARGET=0.33\n#EXT-X-MEDIA-SEQUENCE:266\n"
    "#EXTINF:4.0,\nfileSequence266.mp4\n#EXT-X-PART:DURATION=0.33,URI=\"filePart267.0.mp4\",INDEPENDENT=YES\n"
    "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"filePart267.1.mp4\"\n#EXT-X-RENDITION-REPORT:URI=\"../1M/w.m3u8\","
    "LAST-MSN=273,LAST-PART=2\n",
    "master_session_key": "#EXTM3U\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI=\"https://k.example/s\"\n"
    "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",NAME=\"en\",DEFAULT=YES,URI=\"audio/en.m3u8\"\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=1280000,AVERAGE-BANDWIDTH=1000000,RESOLUTION=1280x720,"
    "CODECS=\"avc1.4d401f,mp4a.40.2\",AUDIO=\"aac\",FRAME-RATE=29.970\n720p/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=640000\nhttps://cdn.example/360p/index.m3u8?t=1\n",
    "master_iframes": "#EXTM3U\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,URI=\"iframe/index.m3u8\"\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=1280000,RESOLUTION=1280x720\n720p/index.m3u8\n",
    "iframe_media": "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-I-FRAMES-ONLY\n#EXTINF:6,\n"
    "#EXT-X-BYTERANGE:9400@376\nsegment1.ts\n#EXT-X-ENDLIST\n",
}
for path in sorted(playlists.glob("*")):
    write("hls_playlists", path.stem, path.read_bytes())
for name, text in hand_made.items():
    write("hls_playlists", name, text.encode())

# playback_urls: base index (1 byte), then the URL, a newline, and the reference/token.
urls = [
    (0, "https://api.ansdev.cloud/v1/video/playback/manifest/tok_1/job_1/master.m3u8", "t2"),
    (0, "https://api.ansdev.cloud/v1/video/playback/manifest/tok_1/job_1/720p/index.m3u8?x=1#f", "t2"),
    (1, "http://127.0.0.1:8787/api/v1/video/playback/key/tok_1/job_1", "../k?x"),
    (2, "http://localhost:8787/v1/video/playback/manifest/a/b/c/index.m3u8", "//evil.example/x"),
    (0, "https://API.ansdev.cloud:443/v1/video/playback/key/t/j", "/v1/video/key/j"),
]
for i, (base, url, ref) in enumerate(urls):
    write("playback_urls", f"url_{i}", bytes([base]) + f"{url}\n{ref}".encode())

# ids: kind (1 byte), then the text.
ids = ["ak_live_0123456789abcdef0123456789abcdef", "ak_test_0123456789abcdef0123456789abcdeX",
       "vid_8f3a2c", "key_01", "https://api.ansdev.cloud/api/", "http://u:p@h/", "eyJ.a-b_c~d"]
for i, text in enumerate(ids):
    for kind in range(6):
        write("ids", f"id_{i}_{kind}", bytes([kind]) + text.encode())
