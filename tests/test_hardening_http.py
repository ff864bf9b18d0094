"""Every bad request is a 4xx with a reason, over real sockets: shapes, types and ranges checked before use,
the credential before a large body is parsed, fields the app keeps bounded, wrong tokens throttled per
client, the expensive reads shared, and the security headers on every route (issue 30)."""

import json
import secrets
import socket

from sqlalchemy import select

from core.agents import agents
from core.publish import opendata
from db.engine import session_scope
from db.monitoring import TargetState
from tests.routes import call, serving
from tests.test_agents import assign, enrolled, push, result


def raw_post(base: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """A POST written by hand (a body no client library would send), its status and body. The server may
    answer before the body is all sent (a refusal): then the rest is not sent and its answer is read."""
    import select

    host, port = base.removeprefix("http://").split(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": host, "Content-Length": str(len(body)),
                                                   "Content-Type": "application/json", **headers}.items())
    answer = b""
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\r\n{head}Connection: close\r\n\r\n".encode())
        try:
            for start in range(0, len(body), 65536):
                if select.select([conn], [], [], 0)[0]:
                    break  # answered already
                conn.sendall(body[start:start + 65536])
            while chunk := conn.recv(65536):
                answer += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")


def header(head: dict, name: str) -> str:
    return next(v for k, v in head.items() if k.lower() == name.lower())


def test_results_of_the_wrong_shape_are_a_400_that_says_where_never_a_500(env, store, city, admin):
    klojen = city.units["KEC-KLOJEN"]
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        target = assign(store, admin, klojen, agent_id)
        bad = {"results is not a list": {"results": "semua", "backlog": 0},
               "seq beyond a BIGINT": {"results": [result(2**70, target)], "backlog": 0},
               "backlog beyond its range": {"results": [result(1, target)], "backlog": 10**30},
               "backlog as text": {"results": [], "backlog": "banyak"},
               "an item that is no object": {"results": [7], "backlog": 0}}
        for why, body in bad.items():
            status, answer, _ = call(base, "POST", "/agent/v1/results", body, token=credential)
            assert status == 400 and answer["error"]["message"], why
        status, answer, _ = push(base, credential, [result(1, target, status=["UP"])])  # a list is no state
        assert status == 200 and answer["refused"] == [{"seq": 1, "reason": "status_invalid"}]
        status, answer, _ = push(base, credential, [{**result(2, target), "seq": True}])  # `true` is no number
        assert status == 400


def test_a_deep_body_is_refused_after_the_credential_and_never_parsed_for_a_stranger(env, store, city, admin):
    deep = b'{"results": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with serving(store.engine) as base:
        _, credential = enrolled(base, store, admin, [city.units["KEC-KLOJEN"]])
        status, answer = raw_post(base, "/agent/v1/results", deep, {"Authorization": "Bearer mva_bukan-punya-siapa"})
        assert status == 401 and "credential_unknown" in answer  # the body was never parsed
        status, answer = raw_post(base, "/agent/v1/results", deep, {"Authorization": f"Bearer {credential}"})
        assert status == 400 and "recursion limit" in answer  # pydantic-core's parser, not the stack


def test_a_details_object_larger_than_the_app_keeps_is_refused_for_that_result(env, store, city, admin):
    klojen = city.units["KEC-KLOJEN"]
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        target = assign(store, admin, klojen, agent_id)
        huge = {"interfaces": ["x" * 1000] * 7000}  # 7 MB, inside the 8 MB a batch may weigh
        status, answer, _ = push(base, credential, [result(1, target, details=huge), result(2, target)])
        assert status == 200 and answer["refused"] == [{"seq": 1, "reason": "details_too_large"}]
        assert answer["stored"] == 1
        status, answer, _ = push(base, credential, [result(3, target, reason="r" * 5000)])
        assert answer["refused"] == [{"seq": 3, "reason": "reason_too_long"}]
    with session_scope(store.engine) as s:
        kept = s.scalar(select(TargetState.details).where(TargetState.target_id == target))
    assert len(json.dumps(kept or {})) <= agents.MAX_DETAILS


def test_wrong_tokens_from_one_client_are_made_to_wait_with_retry_after(env, store, city):
    with serving(store.engine) as base:
        answers = [call(base, "GET", "/api/v1/units", token=secrets.token_urlsafe(24)) for _ in range(30)]
        codes = [status for status, _, _ in answers]
        assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
        assert 0 < int(header(answers[-1][2], "Retry-After")) <= 60
        for _ in range(12):  # enrolment codes are guessed the same way
            status, _, head = call(base, "POST", "/agent/v1/enrol", {"code": secrets.token_hex(10)})
        assert status == 429 and header(head, "Retry-After")


def test_open_data_and_the_api_share_one_computation(env, store, city, admin, monkeypatch):
    from core.org import tokens

    built = []
    real = opendata.build

    def counted(*args, **kwargs):  # the real build, counted
        built.append(args[1])
        return real(*args, **kwargs)
    monkeypatch.setattr(opendata, "build", counted)
    with session_scope(store.engine) as s:
        secret = tokens.issue(session=s, viewer=admin, name="dashboard-bappeda", role="pimpinan",
                              unit_id=None).secret
    with serving(store.engine) as base:
        for name in opendata.NAMES:
            assert call(base, "GET", f"/publik/data/{name}.json")[0] == 200
        before = len(built)
        for _ in range(3):
            assert call(base, "GET", "/api/v1/opendata", token=secret)[0] == 200
        assert len(built) == before == len(opendata.NAMES)  # each dataset computed once for both
