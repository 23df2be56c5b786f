"""Support for the tests and the benchmarks: loopback HTTP servers and generated feeds.

Not part of the product: the wheel ships only `dashboard` and `widgets`
(`tests/integration/test_packaging.py`). `tests/` and `bench/` import from here; this
package imports only the product (`tests/unit/test_import_directions.py` and the
import-linter contracts in pyproject.toml).

- `loopback`: `LoopbackServer`, the one HTTP server on 127.0.0.1 (routes, any reply, faults)
- `farm`: `Farm`, generated RSS feeds served by a LoopbackServer; `RemoteFarm` in its own process
- `faults`: sources that fail in every usual way (the soak's and the farm process's)
- `devset`: the team's real-passage dev set (in ../shared), analysed in-process and scored
"""
