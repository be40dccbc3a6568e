"""crunch_synth.backtest: the price file, the coordinator's schedule, the ground truth and the Synth CRPS.

The scores are checked against test/fixtures/scoring/synth-crps.json, computed with scipy by
generate_synth.py independently of this code (and of the coordinator's TypeScript).
"""
import json
import os
import tempfile
import unittest

from crunch_synth import backtest as bt
from crunch_synth.tracker import TrackerBase

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "scoring", "synth-crps.json")
T0 = 1767225600


def write_file(text):
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    handle.write(text)
    handle.close()
    return handle.name


class RecordingTracker(TrackerBase):
    """Answers a normal of a fixed scale and records what it was ticked and asked."""

    def __init__(self):
        super().__init__()
        self.ticks = []
        self.asked = []

    def tick(self, data):
        self.ticks.append({asset: [ts for ts, _ in points] for asset, points in data.items()})
        super().tick(data)

    def predict(self, asset, horizon, step):
        self.asked.append((self.prices.last_timestamp, asset, step))
        return [{"type": "builtin", "name": "norm", "params": {"loc": 0, "scale": 50.0}} for _ in range(horizon // step)]


class PriceFileTest(unittest.TestCase):
    def test_reads_subject_ts_price_sorted_by_time(self):
        path = write_file("subject,ts,price\nBTC,1767225660,101.5\nBTC,1767225600,100\nETH,1767225600,3000.25\n")
        self.assertEqual(bt.read_price_file(path), {"BTC": [(1767225600, 100.0), (1767225660, 101.5)], "ETH": [(1767225600, 3000.25)]})

    def test_names_the_line_of_a_bad_row(self):
        path = write_file("subject,ts,price\nBTC,1767225600,100\nBTC,soon,101\n")
        with self.assertRaisesRegex(bt.PriceFileError, r"line 3: ts and price must be numbers"):
            bt.read_price_file(path)

    def test_refuses_a_file_without_the_header(self):
        path = write_file("asset,time,close\nBTC,1767225600,100\n")
        with self.assertRaisesRegex(bt.PriceFileError, r"line 1: expected the header subject,ts,price"):
            bt.read_price_file(path)


class ScheduleTest(unittest.TestCase):
    def test_round_robins_the_assets_of_a_group_over_the_interval_and_keeps_rounds_whose_horizon_the_file_covers(self):
        configs = bt.profile_configs("1h", ["BTC", "ETH"])  # every 720 s: BTC at +0, ETH at +360
        rounds = [(t - T0, c.asset) for t, c in bt.round_times(configs, T0, T0 + 3600 + 720)]
        self.assertEqual(rounds, [(0, "BTC"), (360, "ETH"), (720, "BTC")])

    def test_starts_at_the_first_slot_at_or_after_the_start(self):
        configs = [bt.PredictionConfig("BTC", 3600, [60, 300], 720)]
        self.assertEqual([t - T0 for t, _ in bt.round_times(configs, T0 + 1, T0 + 2 * 3600)], [720, 1440, 2160, 2880, 3600])


class GroundTruthTest(unittest.TestCase):
    def test_prices_each_end_by_the_nearest_observation_the_earlier_on_a_tie_and_lists_same_observation_increments(self):
        lookup = bt.PriceSeriesLookup([(0, 100.0), (60, 101.0), (180, 104.0)])
        values, same = bt.realised_differences(lookup, 0, 180, 60, 120)
        # 120 s is as far from 60 as from 180: the earlier observation (60) prices it.
        self.assertEqual(values, [1.0, 0.0, 3.0])
        self.assertEqual(same, [1])

    def test_a_boundary_without_an_observation_within_the_staleness_is_a_gap(self):
        lookup = bt.PriceSeriesLookup([(0, 100.0), (600, 101.0)])
        with self.assertRaisesRegex(ValueError, "gap in the price file"):
            bt.realised_differences(lookup, 0, 600, 300, 120)


class SynthCrpsTest(unittest.TestCase):
    def setUp(self):
        with open(FIXTURE) as handle:
            self.cases = json.load(handle)["cases"]

    def truths(self, case):
        lookup = bt.PriceSeriesLookup([(ts / 1000, p) for ts, p in case["prices"]])
        return {s: bt.realised_differences(lookup, case["performedAtMs"] / 1000, case["horizon"], s, 1e12) for s in case["steps"] if s <= case["horizon"]}

    def test_realises_the_reference_price_differences_and_same_observation_increments(self):
        for case in self.cases:
            truths = self.truths(case)
            for resolution in case["resolutions"]:
                values, same = truths[resolution["step"]]
                self.assertEqual(len(values), len(resolution["truth"]))
                for ours, theirs in zip(values, resolution["truth"]):
                    self.assertAlmostEqual(ours, theirs, delta=1e-9 * max(1.0, abs(theirs)))
                self.assertEqual(same, resolution.get("sameObservation", []))

    def test_scores_whole_evaluations_as_the_scipy_reference_within_1e_9(self):
        scorer = bt.SynthCrps()
        for case in self.cases:
            score = scorer.score(case["asset"], case["horizon"], case["payload"], self.truths(case))
            self.assertLessEqual(abs(score - case["score"]) / abs(case["score"]), 1e-9, "%s %s" % (case["asset"], case["steps"]))

    def test_pure_python_gives_the_numpy_numbers(self):
        if bt._np is None:
            self.skipTest("numpy is not installed: only the pure-Python path runs")
        with_numpy = [bt.SynthCrps().score(c["asset"], c["horizon"], c["payload"], self.truths(c)) for c in self.cases]
        saved, bt._np = bt._np, None
        try:
            without = [bt.SynthCrps().score(c["asset"], c["horizon"], c["payload"], self.truths(c)) for c in self.cases]
        finally:
            bt._np = saved
        for a, b in zip(with_numpy, without):
            self.assertLessEqual(abs(a - b) / abs(a), 1e-12)

    def test_fails_a_density_the_coordinator_would_fail_with_the_reason(self):
        lookup = bt.PriceSeriesLookup([(0, 100.0), (60, 101.0)])
        truths = {60: bt.realised_differences(lookup, 0, 60, 60, 120)}
        with self.assertRaisesRegex(ValueError, r"step 60: step 0: norm: scale must be > 0"):
            bt.SynthCrps().score("BTC", 60, {"60": [{"type": "builtin", "name": "norm", "params": {"loc": 0, "scale": 0}}]}, truths)


class BacktestTest(unittest.TestCase):
    def test_ticks_the_history_first_then_each_minute_and_predicts_after_the_tick_of_the_round(self):
        prices = {"BTC": [(T0 + 60 * m, 100.0 + m) for m in range(130)]}
        tracker = RecordingTracker()
        result = bt.backtest(tracker, prices, [bt.PredictionConfig("BTC", 3600, [60, 300], 3600)], tick_interval=60, history_seconds=120, start=T0 + 300)
        # The first tick (at the start) carries the history window, later ones one new minute each.
        self.assertEqual(tracker.ticks[0]["BTC"], [T0 + 180, T0 + 240, T0 + 300])
        self.assertEqual(tracker.ticks[1]["BTC"], [T0 + 360])
        # One round at T0 + 3600 (the next epoch-aligned slot), asked after the tick of its minute.
        self.assertEqual(tracker.asked, [(T0 + 3600, "BTC", 60), (T0 + 3600, "BTC", 300)])
        self.assertEqual(len(result.predictions), 1)
        self.assertGreater(result.mean_score, 0)

    def test_reports_a_tracker_that_raises_as_a_failed_prediction(self):
        class Broken(TrackerBase):
            def predict(self, asset, horizon, step):
                raise RuntimeError("boom")

        prices = {"BTC": [(T0 + 60 * m, 100.0) for m in range(70)]}
        result = bt.backtest(Broken(), prices, [bt.PredictionConfig("BTC", 3600, [60], 3600)])
        self.assertEqual([(p.score, p.reason) for p in result.predictions], [(None, "predict_all raised RuntimeError: boom")])
        self.assertIsNone(result.mean_score)


class CommandLineTest(unittest.TestCase):
    def test_refuses_bad_arguments_with_one_line_and_exit_code_2(self):
        path = write_file("subject,ts,price\nBTC,1767225600,100\n")
        import contextlib
        import io
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = bt.main(["--prices", path, "--tracker", "no_such_module:Tracker", "--profile", "1h"])
        self.assertEqual(code, 2)
        self.assertEqual(err.getvalue(), "backtest: No module named 'no_such_module'\n")


if __name__ == "__main__":
    unittest.main()
