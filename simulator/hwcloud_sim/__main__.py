"""Command line entry point: ``python -m hwcloud_sim`` / ``hwcloud-sim``."""

import argparse
import os
import signal
import sys
import tempfile
import threading

from .server import start
from .state import SeedError, State


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="hwcloud-sim", description="Huawei Cloud API simulator (IAM, CDM, AOS, RFS).")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--state", metavar="FILE.json", help="seed state; default: the packaged default_state.json")
    parser.add_argument("--port-file", metavar="FILE", help="write the bound port number to this file")
    parser.add_argument("--log-file", metavar="FILE.jsonl", help="also append every logged request to this file as a JSON line")
    parser.add_argument("--transition-seconds", type=float, default=None,
                        help="duration of every status transition (default 2.0; the seed's settings.transition_seconds wins)")
    parser.add_argument("--tls-cert", metavar="CERT", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", metavar="KEY", help="PEM private key for --tls-cert")
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def write_port_file(path, port):
    # Write then rename, so that a script polling the file never reads it half-written.
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(prefix=".hwcloud-sim-port-", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write("%d\n" % port)
        os.replace(temp, path)
    except OSError:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def main(argv=None):
    args = parse_args(argv)
    try:
        state = State(args.state, transition_seconds=args.transition_seconds)
    except (OSError, SeedError, ValueError) as exc:
        sys.stderr.write("hwcloud-sim: cannot load state %s: %s\n" % (args.state or "(default)", exc))
        return 2
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    try:
        sim = start(state, host=args.host, port=args.port, tls=tls, log_file=args.log_file, quiet=args.quiet)
    except (OSError, ValueError) as exc:
        sys.stderr.write("hwcloud-sim: cannot start: %s\n" % exc)
        return 2

    stopping = threading.Event()

    def on_signal(_signum, _frame):
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if args.port_file:
            write_port_file(args.port_file, sim.port)
        sys.stdout.write("hwcloud-sim listening on %s\n" % sim.url)
        sys.stdout.flush()
        while not stopping.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
