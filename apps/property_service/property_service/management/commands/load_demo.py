from django.core.management.base import BaseCommand

from ...demo import DEMO_PASSWORD, DEMO_RESIDENT, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo communities, units, residents and one user per role (once)."

    def handle(self, *args, **options):
        counts = load_demo()
        if not counts:
            self.stdout.write("Demo data already loaded; nothing changed.")
            return
        self.stdout.write(", ".join(f"{n} {k}" for k, n in counts.items()))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(DEMO_USERS))
        self.stdout.write(f"Residents' portal (/portal/): {DEMO_RESIDENT}")
