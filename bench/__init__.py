"""Load and latency benchmark for Sportello, with a bare WebSocket relay as the baseline.

Run ``python -m bench --help``. The harness starts a real server process, seeds it, and
drives it over the public HTTP/WebSocket API from separate client processes.
"""
