"""The four scenarios. Each module has a parent-side ``run(bench, kind, params)`` that
starts a system under test, lines up client workers and measures; and a worker coroutine
that runs in the client processes."""
