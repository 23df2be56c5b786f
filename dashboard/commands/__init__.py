"""The commands of `flashpoint`, one module per group; `dashboard.cli` parses argv and
calls their handlers (`cmd_*`, each taking the parsed arguments and returning the exit code).

`common` holds what several commands share (config and store opening, logging, stop
signals, progress lines); `collecting` the headless writers (fetch --once, collect),
`reading` the read-only reports (status, export, check-config), `analysing` extract and
reanalyze, `interactive` the dashboard (run, serve, demo). A command imports its heavy
dependencies inside its handler, so the lean ones stay lean (docs/ARCHITECTURE.md).
"""
