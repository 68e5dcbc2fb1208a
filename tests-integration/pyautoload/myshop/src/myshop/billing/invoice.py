from myshop import Billing
from myshop.models import Product


class Invoice:
    def __init__(self, *products: Product) -> None:
        self.products = products

    def total(self) -> str:
        cents = sum(p.price_cents for p in self.products)
        return f"{cents / 100:.2f} {Billing.currency}"
