"""The `myshop` console script: uses a few names, reports what got loaded."""

import json
import sys

import myshop


def loaded() -> list[str]:
    return sorted(name for name in sys.modules if name.startswith("myshop."))


def main() -> None:
    before = loaded()
    if sys.argv[1:] == ["eager"]:
        myshop.loader.eager_load()
        print(json.dumps({"loaded": loaded()}))
        return
    product = myshop.models.Product("lamp", 1999)
    print(
        json.dumps(
            {
                "version": myshop.VERSION,
                "page": myshop.models.HTMLPage(product).render(),
                "total": myshop.billing.Invoice(product, product).total(),
                "loaded_before": before,
                "loaded_after": loaded(),
                "pyautoload": myshop.pyautoload.__file__,
            }
        )
    )
