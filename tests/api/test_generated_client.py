"""A Python client generated from the OpenAPI schema (openapi-python-client) imports and works
against a running server: an agent logs in, files a work order and dispatches it."""

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from property_service.workorders.models import Team, WorkOrder, WorkOrderCategory

from tests.factories.workorders import TeamMemberFactory

PACKAGE = "property_service_client"


@pytest.fixture(scope="module")
def generated_client(tmp_path_factory, django_db_blocker):
    """The client package generated from the schema, importable as ``PACKAGE``."""
    tmp_path = tmp_path_factory.mktemp("client")
    schema = tmp_path / "schema.yml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(schema), "--lang", "en")
    config = tmp_path / "generator.json"
    # No formatter run afterwards: the generated code is used as it comes.
    config.write_text(json.dumps({"post_hooks": []}))
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [str(generator), "generate", "--path", str(schema), "--config", str(config),
         "--output-path", str(tmp_path / PACKAGE), "--meta", "none"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_every_module_of_the_generated_client_imports(generated_client):
    endpoints = importlib.import_module(f"{PACKAGE}.api.v1")
    names = [module.name for module in pkgutil.iter_modules(endpoints.__path__)]
    assert "v1_work_orders_create" in names and "v1_work_orders_transition_create" in names
    for name in names:
        importlib.import_module(f"{PACKAGE}.api.v1.{name}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_files_and_dispatches_a_work_order_through_the_generated_client(
        generated_client, live_server, make_staff, place_a):
    agent = make_staff("CS Agent", communities=[place_a.community], username="agent_live")
    technician = make_staff("Maintenance", communities=[place_a.community], username="tech_live")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=technician)
    elevator = WorkOrderCategory.objects.get(code="elevator")

    def load(name):
        return importlib.import_module(f"{PACKAGE}.{name}")

    client_module, models = load("client"), load("models")
    login, create, transition, retrieve = (
        load(f"api.v1.{name}") for name in (
            "v1_auth_token_create", "v1_work_orders_create",
            "v1_work_orders_transition_create", "v1_work_orders_retrieve"))

    anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    token = login.sync(client=anonymous, body=models.AuthTokenRequest(
        username="agent_live", password="test-pass-2026")).token
    api = client_module.AuthenticatedClient(base_url=live_server.url, token=token,
                                            prefix="Token", raise_on_unexpected_status=True)

    filed = create.sync(client=api, body=models.WorkOrderRequest(
        unit=place_a.unit.pk, category=elevator.pk, channel=models.ChannelEnum.APP,
        description="电梯困人"))
    assert filed.state == models.WorkOrderStateEnum.NEW and filed.number.startswith("WO-")

    dispatched = transition.sync(client=api, id=filed.id, body=models.TransitionRequest(
        action=models.TransitionActionEnum.DISPATCH, assignee=technician.pk,
        expected_state="new"))
    assert dispatched.state == models.WorkOrderStateEnum.DISPATCHED
    assert retrieve.sync(client=api, id=filed.id).state == models.WorkOrderStateEnum.DISPATCHED

    order = WorkOrder.objects.get(pk=filed.id)
    assert order.state == "dispatched" and order.assignee == technician
    assert order.unit == place_a.unit and order.category == elevator
    assert order.events.filter(action="dispatch", by=agent).exists()
