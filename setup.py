"""Packaging hook: the one `config.toml` becomes the wheel's bundled default.

The repository keeps the theatre's config once, at the top level, where an analyst
edits it. A wheel carries it as `dashboard/data/config.toml` (what `flashpoint` falls
back to when no config is found, and what a section left out of a config defaults to),
copied here at build time. A source checkout or an editable install reads the
top-level file itself (`dashboard.config.defaults.SHIPPED_CONFIG`).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONFIG = "config.toml"
BUNDLED = Path("dashboard") / "data" / "config.toml"


class BuildPyWithConfig(build_py):
    """build_py that also copies the top-level config.toml into the built package."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            target = Path(self.build_lib) / BUNDLED
            self.mkpath(str(target.parent))
            self.copy_file(CONFIG, str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        return [*outputs, str(Path(self.build_lib) / BUNDLED)]


setup(cmdclass={"build_py": BuildPyWithConfig})
