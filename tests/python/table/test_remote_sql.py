"""The gateway client's Sql call against an in-process gRPC service on loopback: the trailer that names
the engine's exception type picks the pyflink.util.exceptions class; other failures stay gateway errors."""

from concurrent import futures

import grpc
import pytest

from pyflink.util.exceptions import SqlParserException, TableException, ValidationException
from pystream._gateway import GatewayError, RemoteEngine
from pystream._proto import gateway_pb2 as gw


@pytest.fixture
def gateway():
    """A service whose Sql answers as the test sets ``behaviour`` (a callable of the request and context)."""
    state = {}

    def sql(request, context):
        return state["behaviour"](request, context)

    handler = grpc.method_handlers_generic_handler("pystream.v1.JobGateway", {
        "Sql": grpc.unary_unary_rpc_method_handler(sql, request_deserializer=gw.SqlCall.FromString,
                                                   response_serializer=gw.SqlCall.SerializeToString)})
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield state, RemoteEngine(f"127.0.0.1:{port}", None)
    server.stop(None)


def refuse(code, message, type_name=None):
    def behaviour(request, context):
        if type_name is not None:
            context.set_trailing_metadata((("pystream-error-type", type_name),))
        context.abort(code, message)
    return behaviour


def test_the_answer_is_the_engines_bytes(gateway):
    state, remote = gateway
    state["behaviour"] = lambda request, context: gw.SqlCall(message=request.message[::-1])
    assert remote.sql(b"\x01\x02\x03") == b"\x03\x02\x01"


@pytest.mark.parametrize("type_name, raised", [
    ("SqlParseException", SqlParserException),
    ("SqlValidationException", ValidationException),
    ("PyStreamException", TableException),
])
def test_a_refusal_raises_the_class_its_trailer_names(gateway, type_name, raised):
    state, remote = gateway
    message = "SQL parse error at line 1, column 1: unexpected 'SELEC'"
    state["behaviour"] = refuse(grpc.StatusCode.INVALID_ARGUMENT, message, type_name)
    with pytest.raises(raised) as error:
        remote.sql(b"")
    assert type(error.value) is raised and str(error.value) == message


def test_a_failure_without_the_trailer_is_a_gateway_error(gateway):
    state, remote = gateway
    state["behaviour"] = refuse(grpc.StatusCode.PERMISSION_DENIED, "a token is needed")
    with pytest.raises(GatewayError, match=r"a token is needed \(PERMISSION_DENIED\)"):
        remote.sql(b"")
