from myshop.models import Product


class HTMLPage:
    def __init__(self, product: Product) -> None:
        self.product = product

    def render(self) -> str:
        return f"<h1>{self.product.name}</h1>"
