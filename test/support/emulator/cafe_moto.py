"""cafe-ops' CloudFormation emulator: moto_server plus the project's extension (extension.py).

    npm run emulator -- --port 5000          # or: python test/support/emulator/cafe_moto.py --port 5000

The server listens at once (light.py's patches applied first); the extension (which imports moto's
CloudFormation and every backend it models, ~2 s) is installed in a background thread, and only
CloudFormation requests wait for it, so /moto-api/ and the other services answer immediately. See docs/emulator.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="cafe-ops CloudFormation emulator (moto_server + extension)")
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)))
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")

    import moto
    from moto import server

    sys.path.insert(0, HERE)
    import light  # noqa: F401  (patches moto's plain API answers before the first request)

    installed = threading.Event()
    failure: list[BaseException] = []

    def install() -> None:
        try:
            import extension

            extension.resource_spec("AWS::S3::Bucket")  # load the resource schemas before the first request
        except BaseException as error:  # noqa: BLE001 - reported on every request, and on stderr
            failure.append(error)
            sys.stderr.write(f"cafe-ops emulator: the extension failed to load: {error!r}\n")
        finally:
            installed.set()

    dispatch = server.DomainDispatcherApplication.__call__

    def gated(self, environ, start_response):  # type: ignore[no-untyped-def]
        # Only CloudFormation requests need the extension (SigV4 credential scope .../<service>/aws4_request)
        if "/cloudformation/aws4_request" in str(environ.get("HTTP_AUTHORIZATION", "")):
            installed.wait()
            if failure:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [f"cafe-ops emulator: the extension failed to load: {failure[0]!r}".encode()]
        return dispatch(self, environ, start_response)

    server.DomainDispatcherApplication.__call__ = gated
    threading.Thread(target=install, name="cafe-emulator-install", daemon=True).start()
    watch_parent()
    sys.stderr.write(f"cafe-ops emulator (moto {moto.__version__}) on http://{args.host}:{args.port}\n")
    server.main(["-H", args.host, "-p", str(args.port)])


def watch_parent() -> None:
    """Started by launch.js (CAFE_EMULATOR_PARENT_PID): exit when the launcher is gone, so a killed test
    run leaves no server behind."""
    parent = os.environ.get("CAFE_EMULATOR_PARENT_PID")
    if not parent:
        return

    def watch() -> None:
        import time

        while True:
            time.sleep(1)
            try:
                os.kill(int(parent), 0)
            except (ProcessLookupError, ValueError):
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="cafe-emulator-parent", daemon=True).start()


if __name__ == "__main__":
    main()
