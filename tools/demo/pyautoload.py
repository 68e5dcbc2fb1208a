"""pyautoload tour: a project with no __init__.py re-export lists, names resolved on first use.

Run with `hatch run demo pyautoload` (or `hatch run python -P tools/demo/pyautoload.py`: `-P` keeps
this script, named like the package, off sys.path).
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

import pyautoload

FILES = {
    "app/models/user.py": """
        from dataclasses import dataclass

        @dataclass
        class User:
            name: str
    """,
    "app/models/html_parser.py": """
        class HTMLParser:  # the convention expects HtmlParser: the error will say how to fix it
            pass
    """,
    "app/hotel.py": """
        class Hotel:
            stars = 4
    """,
    "app/hotel/pricing.py": """
        from app import Hotel  # a sibling name, autoloaded too

        class Pricing:
            def quote(self) -> int:
                return Hotel.stars * 100
    """,
    "app/services/mailer.py": """
        from app.models import User

        class Mailer:
            def greet(self, user: User) -> str:
                return f"hello {user.name}"
    """,
}


def step(title: str) -> None:
    print(f"\n--- {title}")


def loaded() -> list[str]:
    return sorted(name for name in sys.modules if name == "app" or name.startswith("app."))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pyautoload-demo-") as tmp:
        root = Path(tmp)
        for relative, content in FILES.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content))
        print(f"a project in {root}: {len(FILES)} files, not one __init__.py")

        loader = pyautoload.Loader(logger=lambda line: print(f"  [log] {line}"))
        loader.push_dir(root / "app", namespace="app")

        step("what the conventions promise (nothing imported yet)")
        for path, name in loader.all_expected_names().items():
            print(f"  {Path(path).relative_to(root)!s:<28} -> {name}")

        loader.setup()
        import app

        step("first use imports just what is needed")
        print("  loaded before:", loaded())
        print("  ", app.services.Mailer().greet(app.models.User("ada")))
        print("  ", "pricing quote:", app.hotel.Pricing().quote())
        print("  loaded after: ", loaded())
        print("  cached in the package dict:", "Mailer" in vars(app.services))

        step("a file that does not define its expected name explains itself")
        try:
            print(app.models.HtmlParser)
        except pyautoload.NameError as error:
            print(textwrap.indent(str(error), "  "))

        step("follow the hint, unload, and eager-load the rest")
        loader.logger = None
        loader.inflector.add_acronyms("HTML")
        loader.on_unload(lambda name, value, path: print(f"  unloaded {name}"))
        loader.unload()  # every module and name goes; the files are read again on next use
        print("  after unload():", loaded())
        loader.eager_load()
        print("  after eager_load():", loaded())
        print("  a fresh app module:", sys.modules["app"] is not app, sys.modules["app"].models.HTMLParser)
        print("  registry:", {e.module: ("loaded" if e.loaded else "discovered") for e in loader.registry})
        loader.unregister()


if __name__ == "__main__":
    main()
