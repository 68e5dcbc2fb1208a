"""A package whose ``__init__`` sets up its own loader is read on first use, not by ``setup()``."""

# ruff: noqa: B018 - a bare attribute access is the autoload under test

from __future__ import annotations

import importlib
import sys

import pytest

INIT = "import pyautoload\nloader = pyautoload.Loader.for_package(__name__, logger=LINES.append)\nloader.setup()\n"
FILES = {
    "site/shop/__init__.py": "LINES = []\n" + INIT,
    "site/shop/version.py": "VERSION = '2.0'\n",
    "site/shop/models/product.py": "class Product: pass\n",
    "site/shop/billing/invoice.py": "class Invoice: pass\n",
}


@pytest.fixture
def site(with_files, monkeypatch):
    def make(files: dict[str, str]) -> object:
        root = with_files(files)
        monkeypatch.syspath_prepend(str(root / "site"))
        return root

    return make


def scans(shop: object) -> list[str]:
    return [line for line in shop.LINES if "scanned" in line]  # type: ignore[attr-defined]


def test_setup_in_init_does_not_read_the_directory(site) -> None:
    site(FILES)
    shop = importlib.import_module("shop")
    assert scans(shop) == []
    assert shop.models.Product.__name__ == "Product"
    assert scans(shop)[0].endswith("scanned shop: 3 name(s)")


def test_submodule_import_reads_the_root_first(site) -> None:
    site(FILES)
    importlib.import_module("shop")
    invoice = importlib.import_module("shop.billing.invoice")
    assert invoice.Invoice.__name__ == "Invoice"
    assert type(sys.modules["shop.billing"].__getattr__).__name__ == "Autoloads"


def test_from_import_dir_and_hasattr_read_the_root(site) -> None:
    site(FILES)
    shop = importlib.import_module("shop")
    assert {"VERSION", "billing", "models", "loader"} <= set(dir(shop))
    assert hasattr(shop, "VERSION")
    assert not hasattr(shop, "Nothing")


def test_registry_reads_read_the_root(site) -> None:
    root = site(FILES)
    shop = importlib.import_module("shop")
    registry = shop.loader.registry
    assert registry.file_of("shop.VERSION") == str(root / "site/shop/version.py")
    assert "shop.models" in registry
    assert [entry.module for entry in registry.children("shop")] == [
        "shop.billing",
        "shop.models",
        "shop.version",
    ]


def test_a_submodule_imported_before_setup_is_adopted_at_once(site) -> None:
    site(
        {
            **FILES,
            "site/shop/__init__.py": "LINES = []\nfrom shop import models\n" + INIT,
            "site/shop/models/__init__.py": "",
        }
    )
    shop = importlib.import_module("shop")
    assert scans(shop)  # read by setup(): shop.models needs its autoloads now
    assert shop.models.Product.__name__ == "Product"


def test_an_existing_package_is_read_by_setup(site, new_loader) -> None:
    root = site({"site/vendor/__init__.py": "", "ours/tools.py": "class Tools: pass\n"})
    lines: list[str] = []
    vendor = importlib.import_module("vendor")
    new_loader({root / "ours": "vendor"}, logger=lines.append)
    assert any("scanned vendor" in line for line in lines)
    assert vendor.Tools.__name__ == "Tools"


def test_root_conflict_is_raised_on_first_use(site) -> None:
    site({**FILES, "site/shop/cart.py": "class Cart: pass\n", "site/shop/cart/__init__.py": ""})
    import pyautoload

    shop = importlib.import_module("shop")
    with pytest.raises(pyautoload.ConflictError):
        shop.Cart


def test_unload_of_a_self_managed_package_reads_it_on_next_use_again(site) -> None:
    site(FILES)
    shop = importlib.import_module("shop")
    shop.models.Product
    shop.loader.unload()
    count = len(scans(shop))
    assert shop.models.Product.__name__ == "Product"
    assert len(scans(shop)) > count
