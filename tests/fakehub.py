"""A small fake Hugging Face Hub: a real HTTP server on 127.0.0.1 that speaks the API as HUB.md describes.

The real ``huggingface_hub`` client talks to it over real HTTP.  It serves fixture JSON from
``tests/fixtures/hub`` (``models/<org>/<name>.json`` = the ``model_info`` answer with ``blobs=true``,
``files/<org>/<name>/<file>`` = repo files), can synthesize plausible repos on the fly
(``synthetic=True``, for benchmarks), and injects faults per repo::

    hub = FakeHub().start()
    hub.fault("Qwen/Qwen2.5-7B-Instruct", "503", times=2)   # two 503s, then success
    hub.fault("x/y", "slow")                                   # permanent until hub.reset()

The model list, ``GET /api/models?...``, serves every fixture model plus those a test adds (``hub.listed``, or
``hub.add_synthetic(n)``: n new base repos, each with a GGUF derivative), filtered by ``pipeline_tag``, ``filter``
(each a tag the model carries), ``author`` and ``search``, sorted (descending) by ``sort``, ``limit`` per page (at
most ``hub.page_size``), ``expand`` (only those fields), paginated with ``cursor`` and ``Link: <...>; rel="next"``.
Its faults are keyed ``"list"`` (every list request) or ``"list:page2"`` (that page only)::

    hub.fault("list:page2", "malformed")                       # the first page answers, the second is broken

Fault kinds: notfound, gated, 429, 500, 503, slow, close, malformed, enormous, control, and
hang (no answer until ``reset()``), drip (an answer whose headers arrive a byte every 50 ms, until ``reset()``),
deep (JSON nested 100,000 levels deep), body (``hub.bodies[repo]``: the answer's exact bytes).
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub"
REPO = r"(?P<repo>[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)"
LIST_RE = re.compile(r"^/api/models/?$")
API_RE = re.compile(rf"^/api/models/{REPO}(?:/revision/(?P<rev>[^/]+))?$")
RESOLVE_RE = re.compile(rf"^/{REPO}/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
NASTY = "[red]x[/red] [bold]y\x1b[31m\x07 \u202e[/]"  # rich markup + terminal escapes + bidi override


@dataclass
class Fault:
    kind: str
    times: int | None  # None: permanent
    retry_after: int = 1


class FakeHub:
    def __init__(
        self,
        *,
        latency: float = 0.0,
        synthetic: bool = False,
        slow_seconds: float = 3.0,
        enormous_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.latency = latency
        self.synthetic = synthetic
        self.slow_seconds = slow_seconds
        self.enormous_bytes = enormous_bytes
        self.granted_token: str | None = None  # a Bearer token that may read gated repos' files
        self.faults: dict[str, Fault] = {}
        self.overrides: dict[str, dict[str, Any]] = {}
        self.bodies: dict[str, bytes] = {}  # the "body" fault: these exact bytes, status 200
        self.released = threading.Event()  # ends every "hang" and "drip" answer
        self.requests: list[tuple[str, str]] = []
        self.auth_headers: list[str] = []
        self.listed: dict[str, dict[str, Any]] = {}  # repos served (list and model_info) besides the fixtures
        self.listed_files: dict[tuple[str, str], bytes] = {}  # (repo, file) -> bytes, for the repos above
        self.page_size = 1000  # the real Hub's largest page
        self.next_host: str | None = None  # a Link rel="next" to this host instead (a hostile Hub)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- control ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(_Handler):
            fake = hub

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def reset(self) -> None:
        self.released.set()  # wake the handlers still hanging or dripping; new ones wait on a fresh event
        self.released = threading.Event()
        with self._lock:
            self.faults.clear()
            self.overrides.clear()
            self.bodies.clear()
            self.requests.clear()
            self.auth_headers.clear()
            self.listed.clear()
            self.listed_files.clear()
        self.page_size, self.next_host = 1000, None
        self.latency, self.synthetic, self.granted_token = 0.0, False, None

    def fault(self, repo: str, kind: str, times: int | None = None, retry_after: int = 1) -> None:
        with self._lock:
            self.faults[repo] = Fault(kind, times, retry_after)

    def set(self, repo: str, **fields: Any) -> None:
        """Override top-level fields of a repo's model_info answer (e.g. likes=5, gated='manual')."""
        with self._lock:
            self.overrides.setdefault(repo, {}).update(fields)

    def count(self, prefix: str = "") -> int:
        with self._lock:
            return sum(1 for _, p in self.requests if p.startswith(prefix))

    def take_fault(self, repo: str) -> Fault | None:
        with self._lock:
            f = self.faults.get(repo)
            if f is None:
                return None
            if f.times is not None:
                if f.times <= 0:
                    return None
                f.times -= 1
            return f

    # -- data ------------------------------------------------------------------------------

    def add_synthetic(self, count: int, prefix: str = "synthetic/new") -> None:
        """``count`` new base models to list (``{prefix}-00000`` ...), each with one GGUF derivative (``...-GGUF``)."""
        for i in range(count):
            repo = f"{prefix}-{i:05d}"
            doc = synthetic(repo)
            doc.update(
                tags=["text-generation", "safetensors", "conversational"],
                createdAt=f"2026-{1 + i % 12:02d}-01T00:00:00.000Z",
                trendingScore=count - i,
                siblings=[{"rfilename": "config.json", "size": 600}, {"rfilename": "model.safetensors", "size": 10}],
            )
            gguf = synthetic(repo + "-GGUF")
            gguf["tags"] = ["text-generation", "gguf", f"base_model:{repo}", f"base_model:quantized:{repo}"]
            gguf["cardData"] = {"license": "apache-2.0", "base_model": repo}
            self.listed[repo], self.listed[repo + "-GGUF"] = doc, gguf

    def all_models(self) -> list[dict[str, Any]]:
        """Every model the list endpoint knows: the fixtures, then ``listed``."""
        docs = {}
        for path in sorted((FIXTURES / "models").glob("*/*.json")):
            doc = json.loads(path.read_text())
            docs[doc["id"]] = doc
        with self._lock:
            docs.update(copy.deepcopy(self.listed))
            for repo, fields in self.overrides.items():
                if repo in docs:
                    docs[repo].update(copy.deepcopy(fields))
        return list(docs.values())

    def model(self, repo: str) -> dict[str, Any] | None:
        path = FIXTURES / "models" / f"{repo}.json"
        if path.is_file():
            doc = json.loads(path.read_text())
        elif repo in self.listed:
            with self._lock:
                doc = copy.deepcopy(self.listed[repo])
        elif self.synthetic or repo.startswith("synthetic/"):
            doc = synthetic(repo)
        else:
            return None
        with self._lock:
            doc.update(copy.deepcopy(self.overrides.get(repo, {})))
        return doc

    def file(self, repo: str, name: str) -> bytes | None:
        path = FIXTURES / "files" / repo / name
        if path.is_file() and ".." not in name:
            return path.read_bytes()
        if (repo, name) in self.listed_files:
            return self.listed_files[(repo, name)]
        if (self.synthetic or repo.startswith("synthetic/")) and name == "config.json" and not repo.endswith("-GGUF"):
            return json.dumps(
                {
                    "architectures": ["LlamaForCausalLM"],
                    "num_hidden_layers": 16,
                    "hidden_size": 2048,
                    "num_attention_heads": 16,
                    "num_key_value_heads": 4,
                    "vocab_size": 32000,
                    "max_position_embeddings": 8192,
                    "intermediate_size": 5632,
                }
            ).encode()
        return None


def synthetic(repo: str) -> dict[str, Any]:
    n = sum(repo.encode()) % 1000
    return {
        "id": repo,
        "sha": f"{n:040x}",
        "lastModified": "2024-06-01T00:00:00.000Z",
        "private": False,
        "gated": False,
        "downloads": 1000 + n,
        "likes": n,
        "tags": ["text-generation", "gguf"],
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "cardData": {"license": "apache-2.0"},
        "safetensors": {"parameters": {"BF16": 1_000_000_000 + n}, "total": 1_000_000_000 + n},
        "siblings": [
            {"rfilename": "README.md", "size": 1200},
            {"rfilename": "model-Q4_K_M.gguf", "size": 600_000_000 + n},
            {"rfilename": "model-Q8_0.gguf", "size": 1_100_000_000 + n},
        ],
    }


def control_chars(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["cardData"] = dict(doc.get("cardData") or {}, license=NASTY, base_model=NASTY, language=[NASTY])
    doc["tags"] = [*list(doc.get("tags") or []), NASTY]
    doc["pipeline_tag"] = doc.get("pipeline_tag")
    doc["library_name"] = NASTY
    if doc.get("gguf"):
        doc["gguf"] = dict(doc["gguf"], architecture=NASTY)
    return doc


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # clients that hang up are expected
        pass


class _Handler(BaseHTTPRequestHandler):
    fake: FakeHub
    protocol_version = "HTTP/1.1"  # keep-alive, like the real Hub
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    # -- helpers ---------------------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        head: bool = False,
        ctype: str = "application/json; charset=utf-8",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def _json(self, status: int, doc: Any, headers: dict[str, str] | None = None, *, head: bool = False) -> None:
        self._send(status, json.dumps(doc).encode(), headers, head=head)

    def _serve(self, head: bool) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        path = unquote(split.path)
        with fake._lock:
            fake.requests.append((self.command, path))
            auth = self.headers.get("Authorization")
            if auth:
                fake.auth_headers.append(auth)
        if fake.latency:
            time.sleep(fake.latency)
        if LIST_RE.match(path):
            return self._list(parse_qs(split.query), head)
        m = API_RE.match(path)
        if m:
            return self._model_info(m.group("repo"), parse_qs(split.query), head)
        m = RESOLVE_RE.match(path)
        if m:
            return self._resolve(m.group("repo"), m.group("file"), head)
        self._json(404, {"error": "Not found"}, head=head)

    def _common_fault(self, repo: str, fault: Fault | None, head: bool) -> bool:
        """Serve the faults shared by every route; True when the request was answered."""
        if fault is None:
            return False
        kind = fault.kind
        if kind == "notfound":
            self._json(401, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"}, head=head)
        elif kind == "429":
            self._json(
                429,
                {"error": "rate limited"},
                {"Retry-After": str(fault.retry_after), "RateLimit": f'"api";r=0;t={fault.retry_after}'},
                head=head,
            )
        elif kind in ("500", "503"):
            extra = {"Retry-After": str(fault.retry_after)} if kind == "503" else {}
            self._json(int(kind), {"error": "Internal Error"}, extra, head=head)
        elif kind == "slow":
            time.sleep(self.fake.slow_seconds)
            return False  # then answer normally (the client has given up by then)
        elif kind == "close":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                self.wfile.write(b'{"id": "' + repo.encode() + b'", "siblings": [')
                self.wfile.flush()
            except OSError:
                pass
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
        elif kind == "hang":
            self.fake.released.wait(60)
            self.close_connection = True
        elif kind == "drip":
            released = self.fake.released
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"x" * 10_000:
                if released.wait(0.05):
                    break
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    break
            self.close_connection = True
        elif kind == "deep":
            self._send(
                200, b'{"id": "' + repo.encode() + b'", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", head=head
            )
        elif kind == "body":
            self._send(200, self.fake.bodies.get(repo, b""), head=head)
        elif kind == "malformed":
            self._send(200, b'{"id": "' + repo.encode() + b'", "downloads": 12, "siblings": [{"rfil', head=head)
        elif kind == "enormous":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(self.fake.enormous_bytes + 20))
            self.end_headers()
            try:
                self.wfile.write(b'{"id": "x", "pad": "')
                chunk = b"a" * 65536
                sent = 0
                while sent < self.fake.enormous_bytes:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            self.close_connection = True
        else:
            return False
        return True

    def _repo(self, repo: str, head: bool) -> tuple[Fault | None, dict[str, Any] | None]:
        """The prologue of every repo request: a pending fault, then the repo's document.

        Returns (fault, doc); doc is None when the answer (a fault or "not found") has been sent already."""
        fault = self.fake.take_fault(repo)
        if fault is not None and fault.kind not in ("gated", "control") and self._common_fault(repo, fault, head):
            return fault, None
        doc = self.fake.model(repo)
        if doc is None:
            self._json(401, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"}, head=head)
        return fault, doc

    def _model_info(self, repo: str, query: dict[str, list[str]], head: bool) -> None:
        fault, doc = self._repo(repo, head)
        if doc is None:
            return
        if fault is not None and fault.kind == "gated":
            doc["gated"] = "manual"
        if fault is not None and fault.kind == "control":
            doc = control_chars(doc)
        blobs = query.get("blobs", ["false"])[0].lower() == "true"
        if not blobs:
            doc["siblings"] = [{"rfilename": s["rfilename"]} for s in doc.get("siblings", [])]
        expand = query.get("expand")
        if expand:
            doc = {k: v for k, v in doc.items() if k in set(expand) | {"id", "_id"}}
        self._json(200, doc, head=head)

    def _list(self, query: dict[str, list[str]], head: bool) -> None:
        """``GET /api/models``: filter, sort, one page, and a Link to the next one."""
        fake = self.fake
        one = {k: v[0] for k, v in query.items()}
        try:
            cursor = int(one.get("cursor", "0"))
            size = min(int(one.get("limit", "1000")), fake.page_size)
        except ValueError:
            return self._json(400, {"error": "bad cursor or limit"}, head=head)
        page = cursor // max(1, size) + 1
        fault = fake.take_fault(f"list:page{page}") or fake.take_fault("list")
        if fault is not None and self._common_fault("list", fault, head):
            return
        docs = fake.all_models()
        if "pipeline_tag" in one:
            docs = [d for d in docs if d.get("pipeline_tag") == one["pipeline_tag"]]
        for tag in query.get("filter", []):
            docs = [d for d in docs if tag in (d.get("tags") or [])]
        if "author" in one:
            docs = [d for d in docs if d["id"].split("/")[0] == one["author"]]
        if "search" in one:
            docs = [d for d in docs if one["search"].lower() in d["id"].lower()]
        key = one.get("sort")
        if key:
            docs.sort(key=lambda d: (d.get(key) is not None, d.get(key) or 0, d["id"]), reverse=True)
        chunk = docs[cursor : cursor + size]
        expand = set(query.get("expand", []))
        basic = {"id", "_id", "likes", "downloads", "tags", "pipeline_tag", "library_name", "createdAt", "private"}
        items = []
        for d in chunk:
            if fault is not None and fault.kind == "control":
                d = control_chars(d)
            d = dict(d, _id=f"{abs(hash(d['id'])):024x}"[:24])
            if "siblings" in d:
                d["siblings"] = [{"rfilename": x["rfilename"]} for x in d["siblings"]]
            items.append({k: v for k, v in d.items() if k in (expand | {"id", "_id"} if expand else basic)})
        headers = {}
        if cursor + size < len(docs):
            rest = [(k, v) for k, vs in query.items() if k != "cursor" for v in vs]
            from urllib.parse import urlencode

            host = fake.next_host or self.headers.get("Host", "127.0.0.1")
            headers["Link"] = f'<http://{host}/api/models?{urlencode([*rest, ("cursor", cursor + size)])}>; rel="next"'
        self._json(200, items, headers, head=head)

    def _resolve(self, repo: str, name: str, head: bool) -> None:
        fake = self.fake
        fault, doc = self._repo(repo, head)
        if doc is None:
            return
        gated = doc.get("gated") or (fault is not None and fault.kind == "gated")
        if gated and self.headers.get("Authorization") != f"Bearer {fake.granted_token}":
            status = 401 if not self.headers.get("Authorization") else 403
            return self._json(
                status,
                {"error": "Access to this model is restricted."},
                {"X-Error-Code": "GatedRepo", "X-Error-Message": "Access restricted"},
                head=head,
            )
        body = fake.file(repo, name)
        if body is None:
            return self._json(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"}, head=head)
        headers = {
            "X-Repo-Commit": doc.get("sha") or "0" * 40,
            "ETag": f'"{hash(body) & 0xFFFFFFFF:08x}"',
            "Accept-Ranges": "bytes",
        }
        rng = self.headers.get("Range")
        m = re.match(r"bytes=(\d+)-(\d*)$", rng or "")
        if m:
            start = int(m.group(1))
            end = int(m.group(2)) if m.group(2) else len(body) - 1
            part = body[start : end + 1]
            headers["Content-Range"] = f"bytes {start}-{start + len(part) - 1}/{len(body)}"
            return self._send(206, part, headers, head=head, ctype="application/octet-stream")
        self._send(200, body, headers, head=head, ctype="application/octet-stream")


if __name__ == "__main__":  # python tests/fakehub.py [--synthetic] [--latency S]: print the URL, serve until killed
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--listed", type=int, default=0, help="new synthetic models the list endpoint serves")
    a = ap.parse_args()
    hub = FakeHub(synthetic=a.synthetic, latency=a.latency).start()
    if a.listed:
        hub.add_synthetic(a.listed)
    print(hub.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        hub.stop()
