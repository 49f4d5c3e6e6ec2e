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
    # Prefect's embedded server needs ~13 s to start on an idle machine; allow for a busy one.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    # No network here, and none needed: Prefect's anonymous telemetry stays off.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
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
    from flows.runners import build_flow

    build_dataset = build_flow(args.runner, args.dask_address, args.workers)
    summary = build_dataset(raw_dir=str(raw), out_dir=str(Path(args.out)),
                            batch_size=args.batch_size,
                            cache_dir=None if args.no_cache else str(Path(args.cache).resolve()))
    print("\n".join(summary.lines()))
    return 0 if summary.valid else 1


def cmd_serve(args: argparse.Namespace) -> int:
    _quiet_logging(args.quiet)
    from flows.serve import serve

    serve(raw=str(Path(args.raw).resolve()), out=str(Path(args.out).resolve()),
          cache=None if args.no_cache else str(Path(args.cache).resolve()),
          cron=args.cron, interval=args.interval, name=args.name)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from flows.release.archive import build_release, summary_lines
    from flows.release.common import ReleaseError

    previous = {"auto": "auto", "none": None}.get(args.previous, args.previous)
    try:
        release = build_release(Path(args.output), Path(args.out_dir), previous=previous)
    except ReleaseError as e:
        print(f"kzdiplo release: {e}", file=sys.stderr)
        return 1
    print("\n".join(summary_lines(release)))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from flows.release.verify import report_lines, verify

    verdict = verify(Path(args.archive))
    print("\n".join(report_lines(Path(args.archive), verdict)))
    return 0 if verdict.ok else 1


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
    b.add_argument("--cache", default=str(config.CACHE), metavar="DIR",
                   help="cache of per-file results reused by later builds (default .cache/)")
    b.add_argument("--no-cache", action="store_true",
                   help="process every file again, and neither read nor write the cache")
    b.add_argument("--runner", choices=["local", "threads", "dask"], default="local",
                   help="where normalise/extract tasks run: worker processes here (default), "
                        "threads of this process, or Dask")
    b.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                   help="scheduler of an existing Dask cluster (default: a local cluster)")
    b.add_argument("--workers", "--dask-workers", type=int, default=None, metavar="N",
                   help=f"worker processes, here or in the local Dask cluster (default "
                        f"{config.WORKERS}: one per core; KZDIPLO_WORKERS)")
    b.set_defaults(func=cmd_build)
    sv = sub.add_parser("serve", help="serve the build as a scheduled Prefect deployment")
    sv.add_argument("--raw", default=str(config.RAW), help="folder of raw releases")
    sv.add_argument("--out", default=str(config.OUTPUT), help="folder for the tables")
    sv.add_argument("--cache", default=str(config.CACHE), metavar="DIR")
    sv.add_argument("--no-cache", action="store_true")
    sv.add_argument("--cron", default="0 3 * * *",
                    help='cron schedule of the builds (default "0 3 * * *", daily at 03:00)')
    sv.add_argument("--interval", type=float, metavar="SECONDS",
                    help="build every SECONDS instead of on the cron schedule")
    sv.add_argument("--name", default="scheduled-build", help="the deployment's name")
    sv.add_argument("-q", "--quiet", action="store_true")
    sv.set_defaults(func=cmd_serve)
    r = sub.add_parser("release", help="package output/ as a versioned, verifiable archive")
    r.add_argument("--out-dir", default=str(config.ROOT / "dist"),
                   help="folder for the .zip and .tar.gz (default dist/)")
    r.add_argument("--output", default=str(config.OUTPUT),
                   help="the built dataset to package (default output/)")
    r.add_argument("--previous", default="auto", metavar="ARCHIVE",
                   help="release to compare with for the changelog (default: the newest "
                        "earlier release in --out-dir; 'none' for a first release)")
    r.set_defaults(func=cmd_release)
    v = sub.add_parser("verify", help="check a downloaded release: checksums, package, types")
    v.add_argument("archive", help="a release .zip, .tar.gz or unpacked folder")
    v.set_defaults(func=cmd_verify)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))
