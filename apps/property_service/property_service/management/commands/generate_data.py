import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...benchdata import SCALES, RefusedDatabase, generate, scale_for


class Command(BaseCommand):
    help = ("Generate a large, realistic data set for measuring the back office (the demo "
            "data first, then more communities, units, residents, work orders, complaints, "
            "contracts, policies and notifications). Seeded: the same options give the same "
            "data. Refuses a database holding other data unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small",
                            help="small: about 10,000 work orders; large: 50 communities, "
                                 "1,000,000 work orders over three years.")
        parser.add_argument("--force", action="store_true",
                            help="Generate even into a database holding other data.")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--now", help="The generation's present moment (ISO 8601, "
                                          "default: now); every record lies before it.")
        # Tests and quick trials: the small scale shrunk to this many work orders.
        parser.add_argument("--work-orders", type=int, default=None, help=argparse_suppress())

    def handle(self, *args, **options):
        now = None
        if options["now"]:
            try:
                now = datetime.datetime.fromisoformat(options["now"])
            except ValueError as error:
                raise CommandError(f"--now: {error}") from error
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        if options["work_orders"] is not None and options["work_orders"] < 1:
            raise CommandError("--work-orders must be at least 1.")
        scale = scale_for(options["scale"], options["work_orders"])
        extra = {"seed": options["seed"]} if options["seed"] is not None else {}
        try:
            generate(scale=scale, scale_name=options["scale"], now=now, force=options["force"],
                     out=self.stdout, **extra)
        except RefusedDatabase as error:
            raise CommandError(str(error)) from error


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
