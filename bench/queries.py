"""SQL queries per request for each benchmarked address, counted in-process with Django's test client
(bench/run.py runs it with the same environment as the server). Prints JSON {url: queries}."""

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main(paths):
    client, counts = Client(HTTP_HOST="127.0.0.1"), {}
    for path in paths:
        client.get(path)  # warm, as under load
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts[path] = {"queries": len(queries), "status": status}
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1:])
