"""``condorgame.prices``: the PriceStore of the Synth game's package (the game grew into it).

Only its public names are imported, so this also works when the real crunch_synth is installed.
"""
from crunch_synth.prices import Asset, PriceData, PriceEntry, PriceStore

__all__ = ["PriceStore", "Asset", "PriceEntry", "PriceData"]
