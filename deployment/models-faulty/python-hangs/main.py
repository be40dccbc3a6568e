"""Faulty on purpose: predict sleeps forever (expect a timeout and a restart)."""
import time

from condorgame.tracker import TrackerBase


class SleepingTracker(TrackerBase):
    def tick(self, data):
        pass

    def predict(self, asset, horizon, step):
        while True:
            time.sleep(3600)
