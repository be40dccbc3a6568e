"""Faulty on purpose: predict raises (expect MODEL_FAILED)."""
from condorgame.tracker import TrackerBase


class RaisingTracker(TrackerBase):
    def tick(self, data):
        pass

    def predict(self, asset, horizon, step):
        raise RuntimeError("deliberate failure in predict")
