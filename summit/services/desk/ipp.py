"""A small IPP/1.1 client (RFC 8010 encoding, RFC 8011 operations) over HTTP: what the desk
needs of a printer, and nothing else. Print-Job with a PDF, Get-Printer-Attributes (is it
idle, is it accepting jobs, why not) and Get-Job-Attributes (did the job finish).

``ipps://`` is IPP over TLS (port 631 unless given). Errors are ``IppError`` with the
printer's own words where it gave any, so the desk can show them.
"""
from __future__ import annotations

import http.client
import itertools
import ssl
import struct
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Operations
PRINT_JOB = 0x0002
GET_JOB_ATTRIBUTES = 0x0009
GET_PRINTER_ATTRIBUTES = 0x000B

# Delimiter tags
OPERATION_GROUP = 0x01
JOB_GROUP = 0x02
END = 0x03
PRINTER_GROUP = 0x04
UNSUPPORTED_GROUP = 0x05

# Value tags
INTEGER, BOOLEAN, ENUM = 0x21, 0x22, 0x23
TEXT, NAME, KEYWORD, URI, CHARSET, LANGUAGE, MIME = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48, 0x49

PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped",
              7: "canceled", 8: "aborted", 9: "completed"}
FINISHED_JOB_STATES = (7, 8, 9)

_request_ids = itertools.count(1)
_ids_lock = threading.Lock()


class IppError(Exception):
    """The printer could not be reached or refused: ``str()`` says why."""


@dataclass
class Response:
    status: int
    groups: list[tuple[int, dict[str, list]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status < 0x0100

    def first(self, name: str, tag: int | None = None, default=None):
        for group_tag, attributes in self.groups:
            if (tag is None or group_tag == tag) and name in attributes:
                return attributes[name][0]
        return default

    def all(self, name: str) -> list:
        for _tag, attributes in self.groups:
            if name in attributes:
                return attributes[name]
        return []


STATUS_WORDS = {
    0x0400: "client-error-bad-request", 0x0401: "client-error-forbidden",
    0x0402: "client-error-not-authenticated", 0x0403: "client-error-not-authorized",
    0x0404: "client-error-not-possible", 0x0405: "client-error-timeout",
    0x0406: "client-error-not-found", 0x040A: "client-error-document-format-not-supported",
    0x040B: "client-error-attributes-or-values-not-supported",
    0x0500: "server-error-internal-error", 0x0501: "server-error-operation-not-supported",
    0x0503: "server-error-version-not-supported", 0x0506: "server-error-not-accepting-jobs",
    0x0507: "server-error-busy",
}


# --- encoding -----------------------------------------------------------------------------

def _attribute(tag: int, name: str, values) -> bytes:
    if not isinstance(values, (list, tuple)):
        values = [values]
    out = bytearray()
    for index, value in enumerate(values):
        if tag in (INTEGER, ENUM):
            data = struct.pack(">i", value)
        elif tag == BOOLEAN:
            data = b"\x01" if value else b"\x00"
        else:
            data = str(value).encode("utf-8")
        label = name.encode("ascii") if index == 0 else b""
        out += struct.pack(">BH", tag, len(label)) + label + struct.pack(">H", len(data)) + data
    return bytes(out)


def encode(operation: int, request_id: int, operation_attributes: list[tuple[int, str, object]],
           job_attributes: list[tuple[int, str, object]] = ()) -> bytes:
    out = bytearray(struct.pack(">BBHI", 1, 1, operation, request_id))
    out.append(OPERATION_GROUP)
    out += _attribute(CHARSET, "attributes-charset", "utf-8")
    out += _attribute(LANGUAGE, "attributes-natural-language", "en")
    for tag, name, value in operation_attributes:
        out += _attribute(tag, name, value)
    if job_attributes:
        out.append(JOB_GROUP)
        for tag, name, value in job_attributes:
            out += _attribute(tag, name, value)
    out.append(END)
    return bytes(out)


def _value(tag: int, data: bytes):
    if tag in (INTEGER, ENUM) and len(data) == 4:
        return struct.unpack(">i", data)[0]
    if tag == BOOLEAN and len(data) == 1:
        return data != b"\x00"
    if 0x40 <= tag <= 0x4F:
        return data.decode("utf-8", "replace")
    if tag in (0x35, 0x36) and len(data) >= 2:  # text/name with language
        length = struct.unpack(">H", data[:2])[0]
        rest = data[2 + length:]
        return rest[2:].decode("utf-8", "replace")
    return data


def decode(body: bytes) -> Response:
    if len(body) < 8:
        raise IppError("not an IPP response")
    _major, _minor, status, _request = struct.unpack(">BBHI", body[:8])
    response = Response(status)
    position, attributes, last = 8, None, None
    while position < len(body):
        tag = body[position]
        position += 1
        if tag == END:
            break
        if tag < 0x10:  # a new group
            attributes = {}
            response.groups.append((tag, attributes))
            continue
        if position + 2 > len(body) or attributes is None:
            raise IppError("malformed IPP response")
        (name_length,) = struct.unpack(">H", body[position:position + 2])
        position += 2
        name = body[position:position + name_length].decode("ascii", "replace")
        position += name_length
        (value_length,) = struct.unpack(">H", body[position:position + 2])
        position += 2
        data = body[position:position + value_length]
        position += value_length
        if tag in (0x34, 0x37, 0x4A):  # collections: skipped, the desk needs none
            last = None if tag == 0x34 or tag == 0x37 else last
            continue
        value = _value(tag, data)
        if name:
            last = name
            attributes.setdefault(name, []).append(value)
        elif last is not None:
            attributes.setdefault(last, []).append(value)
    return response


# --- transport ----------------------------------------------------------------------------

def _next_id() -> int:
    with _ids_lock:
        return next(_request_ids) % 0x7FFFFFFF or 1


def _post(uri: str, body: bytes, timeout: float) -> Response:
    parts = urlsplit(uri)
    if parts.scheme not in ("ipp", "ipps", "http", "https") or not parts.hostname:
        raise IppError(f"not a printer address: {uri}")
    secure = parts.scheme in ("ipps", "https")
    port = parts.port or 631
    if secure:
        context = ssl.create_default_context()
        # Printers at a desk carry self-signed certificates; the link is a local network.
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout,
                                                 context=context)
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    try:
        connection.request("POST", parts.path or "/", body=body,
                           headers={"Content-Type": "application/ipp"})
        answer = connection.getresponse()
        data = answer.read()
        if answer.status != 200:
            raise IppError(f"HTTP {answer.status} {answer.reason}")
    except (OSError, http.client.HTTPException) as error:
        raise IppError(f"unreachable: {error}") from None
    finally:
        connection.close()
    return decode(data)


def _printer_uri(uri: str) -> str:
    parts = urlsplit(uri)
    return uri if parts.scheme in ("ipp", "ipps") else uri.replace(parts.scheme, "ipp", 1)


def _check(response: Response) -> Response:
    if not response.ok:
        words = response.first("status-message") or STATUS_WORDS.get(
            response.status, f"status 0x{response.status:04x}")
        raise IppError(str(words))
    return response


@dataclass(frozen=True)
class PrinterState:
    state: str
    accepting: bool
    reasons: tuple[str, ...]
    message: str

    @property
    def idle(self) -> bool:
        return self.state == "idle" and self.accepting

    @property
    def usable(self) -> bool:
        return self.accepting and self.state != "stopped"

    def why_not(self) -> str:
        reasons = [r for r in self.reasons if r != "none"]
        parts = [self.message] if self.message else []
        if reasons:
            parts.append(", ".join(reasons))
        if not self.accepting:
            parts.append("not accepting jobs")
        return "; ".join(parts) or self.state


def printer_state(uri: str, timeout: float = 3.0) -> PrinterState:
    response = _check(_post(uri, encode(GET_PRINTER_ATTRIBUTES, _next_id(), [
        (URI, "printer-uri", _printer_uri(uri)),
        (KEYWORD, "requested-attributes", ["printer-state", "printer-state-reasons",
                                           "printer-state-message",
                                           "printer-is-accepting-jobs"]),
    ]), timeout))
    return PrinterState(
        state=PRINTER_STATES.get(response.first("printer-state", PRINTER_GROUP), "unknown"),
        accepting=bool(response.first("printer-is-accepting-jobs", PRINTER_GROUP, True)),
        reasons=tuple(str(r) for r in response.all("printer-state-reasons")),
        message=str(response.first("printer-state-message", PRINTER_GROUP, "") or ""))


def print_job(uri: str, document: bytes, job_name: str, user: str = "summit",
              timeout: float = 15.0) -> int:
    """Send one PDF; the printer's job id once it has accepted it."""
    body = encode(PRINT_JOB, _next_id(), [
        (URI, "printer-uri", _printer_uri(uri)),
        (NAME, "requesting-user-name", user[:60] or "summit"),
        (NAME, "job-name", job_name[:60]),
        (MIME, "document-format", "application/pdf"),
    ]) + document
    response = _check(_post(uri, body, timeout))
    job_id = response.first("job-id", JOB_GROUP)
    if not isinstance(job_id, int):
        raise IppError("the printer gave no job id")
    return job_id


@dataclass(frozen=True)
class JobState:
    state: str
    reasons: tuple[str, ...]
    message: str

    @property
    def finished(self) -> bool:
        return self.state in ("canceled", "aborted", "completed")

    @property
    def completed(self) -> bool:
        return self.state == "completed"


def job_state(uri: str, job_id: int, timeout: float = 3.0) -> JobState:
    response = _check(_post(uri, encode(GET_JOB_ATTRIBUTES, _next_id(), [
        (URI, "printer-uri", _printer_uri(uri)),
        (INTEGER, "job-id", job_id),
        (KEYWORD, "requested-attributes", ["job-state", "job-state-reasons",
                                           "job-state-message"]),
    ]), timeout))
    return JobState(
        state=JOB_STATES.get(response.first("job-state", JOB_GROUP), "unknown"),
        reasons=tuple(str(r) for r in response.all("job-state-reasons")),
        message=str(response.first("job-state-message", JOB_GROUP, "") or ""))
