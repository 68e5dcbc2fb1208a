class Billing:
    currency = "EUR"
