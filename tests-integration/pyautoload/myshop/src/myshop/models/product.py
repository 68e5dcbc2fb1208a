from dataclasses import dataclass


@dataclass
class Product:
    name: str
    price_cents: int
