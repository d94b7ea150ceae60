
from tests.workorders.conftest import (  # noqa: F401  (the personas of community A)
    agent,
    maintenance_team,
    manager,
    new_order,
    supervisor,
    technician,
)
