"""`kzdiplo`: build, release and verify the dataset."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from flows import __version__, config


def _quiet_logging(quiet: bool) -> None:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING" if quiet else "INFO")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # The embedded server's own access logs say nothing a dataset maintainer needs.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "WARNING")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def cmd_build(args: argparse.Namespace) -> int:
    _quiet_logging(args.quiet)
    raw = Path(args.raw)
    if not raw.is_dir():
        print(f"kzdiplo: no such folder: {raw}", file=sys.stderr)
        return 2
    from flows.pipeline import build_dataset

    summary = build_dataset(raw_dir=str(raw), out_dir=str(Path(args.out)),
                            batch_size=args.batch_size)
    print("\n".join(summary.lines()))
    return 0 if summary.valid else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kzdiplo", description=__doc__)
    p.add_argument("--version", action="version", version=f"kzdiplo {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the dataset from raw/ into output/")
    b.add_argument("--raw", default=str(config.RAW), help="folder of raw releases (default raw/)")
    b.add_argument("--out", default=str(config.OUTPUT),
                   help="folder for the tables and their datapackage.json (default output/)")
    b.add_argument("--batch-size", type=int, default=config.BATCH_SIZE,
                   help=f"releases per Prefect task (default {config.BATCH_SIZE})")
    b.add_argument("-q", "--quiet", action="store_true", help="only the summary (for cron)")
    b.set_defaults(func=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))
