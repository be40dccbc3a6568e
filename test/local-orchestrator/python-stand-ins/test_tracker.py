"""TrackerBase, predict_all, SubTracker/track of the crunch_synth stand-in, and the condorgame one."""
import unittest

import condorgame.tracker
from crunch_synth import PriceStore, SubTracker, TrackerBase

T0 = 1_700_000_000


def norm(scale, loc=0.0):
    return {"type": "builtin", "name": "norm", "params": {"loc": loc, "scale": scale}}


def mixture(*densities):
    return {"type": "mixture", "components": [{"density": d, "weight": 1 / len(densities)} for d in densities]}


class Constant(TrackerBase):
    def __init__(self, spec=None):
        super().__init__()
        self.spec = spec or norm(1.0)
        self.calls = []

    def predict(self, asset, horizon, step):
        self.calls.append((asset, horizon, step))
        return [self.spec] * (horizon // step)


class Fixed(SubTracker):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def predict(self, asset, horizon, step):
        return [norm(1.0, loc=len(self.name))] * (horizon // step)


class TrackerBaseTest(unittest.TestCase):
    def test_tick_feeds_self_prices(self):
        tracker = Constant()
        self.assertIsInstance(tracker.prices, PriceStore)
        tracker.tick({"BTC": [[T0, 1.0], [T0 + 60, 2.0]]})
        tracker.tick({"BTC": [[T0 + 120, 3.0]]})
        self.assertEqual(tracker.prices.get_last_price("BTC"), (T0 + 120, 3.0))
        self.assertEqual(len(tracker.prices.get_prices("BTC")), 3)

    def test_predict_all_calls_predict_once_per_step_and_skips_steps_beyond_the_horizon(self):
        tracker = Constant()
        answer = tracker.predict_all("BTC", 3600, [60, 300, 3600, 86400])
        self.assertEqual(sorted(answer), [60, 300, 3600])
        self.assertEqual([len(answer[s]) for s in (60, 300, 3600)], [60, 12, 1])
        self.assertEqual(tracker.calls, [("BTC", 3600, 60), ("BTC", 3600, 300), ("BTC", 3600, 3600)])

    def test_predict_all_rounds_parameters_and_weights_to_6_significant_digits(self):
        spec = {"type": "mixture", "components": [
            {"density": norm(0.000123456789, loc=-12345.6789), "weight": 0.333333333},
            {"density": norm(2.0), "weight": 0.666666667},
        ]}
        answer = Constant(spec).predict_all("ETH", 300, [300])
        rounded = answer[300][0]
        self.assertEqual(rounded["components"][0]["density"]["params"], {"loc": -12345.7, "scale": 0.000123457})
        self.assertEqual([c["weight"] for c in rounded["components"]], [0.333333, 0.666667])
        self.assertEqual(spec["components"][0]["weight"], 0.333333333)  # the model's own object is left alone

    def test_predict_all_allows_3_leaf_components_and_refuses_4_counting_nested_mixtures(self):
        three = mixture(norm(1.0), mixture(norm(2.0), norm(3.0)))
        self.assertEqual(len(Constant(three).predict_all("BTC", 60, [60])[60]), 1)
        four = mixture(norm(1.0), mixture(norm(2.0), mixture(norm(3.0), norm(4.0))))
        with self.assertRaisesRegex(ValueError, "contains 4 total components.*maximum allowed is 3"):
            Constant(four).predict_all("BTC", 60, [60])

    def test_predict_all_maps_an_empty_prediction_to_an_empty_list(self):
        class Silent(TrackerBase):
            def predict(self, asset, horizon, step):
                return None

        self.assertEqual(Silent().predict_all("BTC", 3600, [300]), {300: []})

    def test_predict_all_refuses_non_integer_steps_clearly(self):
        with self.assertRaisesRegex(ValueError, "step must be an integer number of seconds"):
            Constant().predict_all("BTC", 3600, ["300"])

    def test_predict_without_override_or_route_names_horizon_and_asset(self):
        with self.assertRaisesRegex(NotImplementedError, "horizon=3600, asset='SOL'"):
            TrackerBase().predict("SOL", 3600, 60)


class SubTrackerTest(unittest.TestCase):
    def test_track_routes_predict_with_an_exact_asset_beating_the_wildcard(self):
        tracker = TrackerBase()
        tracker.track(3600, "*", Fixed("any"))
        tracker.track(3600, ["BTC", "ETH"], Fixed("majors"))
        tracker.track(86400, "BTC", Fixed("daily"))
        self.assertEqual(tracker.predict("BTC", 3600, 3600)[0]["params"]["loc"], len("majors"))
        self.assertEqual(tracker.predict("SOL", 3600, 3600)[0]["params"]["loc"], len("any"))
        self.assertEqual(tracker.predict("BTC", 86400, 86400)[0]["params"]["loc"], len("daily"))
        with self.assertRaisesRegex(NotImplementedError, "horizon=86400, asset='SOL'"):
            tracker.predict("SOL", 86400, 86400)
        self.assertEqual(sorted(tracker.predict_all("ETH", 3600, [300, 3600])), [300, 3600])

    def test_tick_is_forwarded_once_to_each_sub_tracker(self):
        tracker = TrackerBase()
        shared = Fixed("shared")
        tracker.track(3600, "BTC", shared)
        tracker.track(86400, "BTC", shared)
        tracker.tick({"BTC": [[T0, 1.0]]})
        tracker.tick({"BTC": [[T0 + 60, 2.0]]})
        self.assertEqual(shared.prices.get_prices("BTC"), [(T0, 1.0), (T0 + 60, 2.0)])
        self.assertEqual(tracker.prices.get_prices("BTC"), [(T0, 1.0), (T0 + 60, 2.0)])

    def test_track_refuses_something_that_is_not_a_sub_tracker(self):
        with self.assertRaisesRegex(ValueError, "needs a SubTracker instance"):
            TrackerBase().track(3600, "BTC", object())


class CondorgameTrackerBaseTest(unittest.TestCase):
    def test_keeps_predict_abstract_and_gives_tick_prices_and_predict_all(self):
        with self.assertRaises(TypeError):
            condorgame.tracker.TrackerBase()

        class Model(condorgame.tracker.TrackerBase):
            def predict(self, asset, horizon, step):
                return [norm(0.001234567)] * (horizon // step)

        model = Model()
        model.tick({"BTC": [[T0, 1.0]]})
        self.assertEqual(model.prices.get_last_price("BTC"), (T0, 1.0))
        self.assertEqual(model.predict_all("BTC", 600, [300, 900]), {300: [norm(0.00123457)] * 2})

    def test_a_subclass_overriding_tick_with_its_own_history_still_works(self):
        class OwnHistory(condorgame.tracker.TrackerBase):
            def __init__(self):
                self.prices = {}

            def tick(self, data):
                self.prices.update(data)

            def predict(self, asset, horizon, step):
                return [norm(1.0)] * (horizon // step)

        model = OwnHistory()
        model.tick({"BTC": [[T0, 1.0]]})
        self.assertEqual(model.prices, {"BTC": [[T0, 1.0]]})
        self.assertEqual(len(model.predict_all("BTC", 120, [60])[60]), 2)


if __name__ == "__main__":
    unittest.main()


class CondorgameWithAnInstalledSynthPackageTest(unittest.TestCase):
    """The condorgame stand-in uses only crunch_synth's public API, so a real crunch_synth may sit first on the path."""

    def test_works_on_top_of_another_crunch_synth(self):
        import os
        import subprocess
        import sys
        import tempfile

        stand_ins = os.path.dirname(os.path.dirname(condorgame.tracker.__file__))
        with tempfile.TemporaryDirectory() as installed:
            package = os.path.join(installed, "crunch_synth")
            os.makedirs(package)
            for name, text in {
                "__init__.py": "",
                "prices.py": "Asset = str\nPriceEntry = tuple\nPriceData = dict\n"
                "class PriceStore:\n    origin = 'installed'\n    def add_bulk(self, data):\n        self.data = data\n",
                "tracker.py": "class TrackerBase:\n    def predict_all(self, asset, horizon, steps):\n"
                "        return {step: self.predict(asset=asset, horizon=horizon, step=step) for step in steps}\n",
            }.items():
                with open(os.path.join(package, name), "w") as file:
                    file.write(text)
            script = (
                "from condorgame.tracker import TrackerBase\n"
                "class M(TrackerBase):\n"
                "    def predict(self, asset, horizon, step):\n"
                "        return [horizon // step]\n"
                "m = M(); m.tick({'BTC': [[1, 2.0]]})\n"
                "print(m.prices.origin, m.predict_all('BTC', 600, [300]))\n"
            )
            run = subprocess.run(
                [sys.executable, "-c", script],
                env=dict(os.environ, PYTHONPATH=os.pathsep.join([installed, stand_ins])),
                capture_output=True,
                text=True,
            )
        self.assertEqual((run.returncode, run.stdout.strip()), (0, "installed {300: [2]}"), run.stderr)
