"""``condorgame.prices``: the same PriceStore as the Synth game's package (the game grew into it)."""
from crunch_synth.prices import Asset, PriceData, PriceEntry, PriceSeries, PriceStore

__all__ = ["PriceStore", "PriceSeries", "Asset", "PriceEntry", "PriceData"]
