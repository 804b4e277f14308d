"""``pystream``: the operator's commands against a gateway (``PYSTREAM_GATEWAY``, or the local one).

    pystream list                                   jobs, newest first
    pystream cancel JOB_ID [--wait]
    pystream savepoint JOB_ID [DIR] [--stop [--drain]]
"""

from __future__ import annotations

import argparse
import sys
import time

from pystream._gateway import GatewayError, connect

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pystream", description="Operate jobs on a PyStream gateway.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the gateway's jobs")
    cancel = commands.add_parser("cancel", help="cancel a job")
    cancel.add_argument("job_id")
    cancel.add_argument("--wait", action="store_true", help="wait until the job has stopped, and print its final status")
    savepoint = commands.add_parser("savepoint", help="take a savepoint of a running job")
    savepoint.add_argument("job_id")
    savepoint.add_argument("directory", nargs="?", default="", help="where (default: the job's savepoint directory)")
    savepoint.add_argument("--stop", action="store_true", help="then stop the job (stop-with-savepoint)")
    savepoint.add_argument("--drain", action="store_true", help="with --stop: advance event time to its end first")
    args = parser.parse_args(argv)

    try:
        gateway = connect(start=False)
        if args.command == "list":
            _print_jobs(gateway.list_jobs())
        elif args.command == "cancel":
            info = gateway.cancel(args.job_id)
            print(f"cancelling {info.job_id} ({info.name})", flush=True)
            if args.wait:
                final = info
                for event in gateway.follow(args.job_id):  # ends with the job's final status
                    if event.WhichOneof("kind") == "status":
                        final = event.status
                print(f"{final.job_id} ({final.name}): {final.status}")
        else:
            print(gateway.savepoint(args.job_id, args.directory, stop=args.stop, drain=args.drain))
        return 0
    except GatewayError as error:
        print(f"pystream: {error}", file=sys.stderr)
        return 1


def _print_jobs(jobs: list) -> None:
    if not jobs:
        print("no jobs")
        return
    print(f"{'JOB ID':32}  {'STATUS':10}  {'STARTED':19}  NAME")
    for job in jobs:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(job.start_time_ms / 1000))
        print(f"{job.job_id:32}  {job.status:10}  {started:19}  {job.name}")


if __name__ == "__main__":
    sys.exit(main())
