"""Tests of the {{name}} participant package: ``python3 -m unittest`` (standard library only)."""
import unittest

from {{module}}.backtest import backtest, check_answer, synthetic_prices
from {{module}}.tracker import {{base_class}}


class ConstantTracker({{base_class}}):
    """A model that answers the same thing whatever the prices: the weakest honest model."""

    def predict(self, {{py_predict_params}}):
        steps = int(horizon // step)
        if "{{output}}" == "distributions":
            scale = self.volatility(asset, step)
            return [{"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": scale}} for _ in range(steps)]
        if "{{output}}" == "vector":
            return [0.0] * steps
        return 0.0


class TrackerBaseTest(unittest.TestCase):
    def test_a_subclass_must_implement_predict(self):
        class NoPredict({{base_class}}):
            pass

        with self.assertRaises(TypeError):
            NoPredict()

    def test_tick_keeps_new_points_in_time_order_and_ignores_old_or_bad_ones(self):
        tracker = ConstantTracker()
        tracker.tick({"{{first_asset}}": [[10, 100.0], [20, 101.0]]})
        tracker.tick({"{{first_asset}}": [[20, 999.0], [15, 5.0], [30, -1.0], [40, float("nan")], "junk", [50, 102.0]]})
        self.assertEqual(tracker.prices["{{first_asset}}"], [[10, 100.0], [20, 101.0], [50, 102.0]])
        self.assertEqual(tracker.last_price("{{first_asset}}"), 102.0)

    def test_changes_are_taken_step_seconds_apart(self):
        tracker = ConstantTracker()
        tracker.tick({"{{first_asset}}": [[t, 100.0 + t] for t in range(0, 100, 10)]})
        self.assertEqual(len(tracker.changes("{{first_asset}}", 30)), 3)
        self.assertGreater(tracker.volatility("{{first_asset}}", 10), 0)

    def test_the_sample_answer_passes_the_competition_output_check(self):
        tracker = ConstantTracker()
        tracker.tick(synthetic_prices(seconds=3600))
        self.assertIsNone(check_answer(tracker.predict({{py_sample_call}}), {{first_horizon}}, {{first_step}}))

    def test_a_wrong_answer_is_reported(self):
        self.assertIsNotNone(check_answer(None, {{first_horizon}}, {{first_step}}))
        self.assertIsNotNone(check_answer([float("nan")], {{first_horizon}}, {{first_step}}))


class BacktestTest(unittest.TestCase):
    def test_a_backtest_scores_every_covered_prediction_without_failures(self):
        report = backtest(ConstantTracker(), synthetic_prices(seconds=3600), horizon={{first_horizon}}, step={{first_step}}, interval={{first_interval}})
        self.assertGreater(report["predictions"], 0)
        self.assertEqual(report["failures"], [])
        self.assertEqual(len(report["scores"]), report["predictions"])
        self.assertIsNotNone(report["mean_score"])

    def test_a_raising_model_is_a_failure_not_a_crash(self):
        class Broken(ConstantTracker):
            def predict(self, *args):
                raise ValueError("no")

        report = backtest(Broken(), synthetic_prices(seconds=3600), horizon={{first_horizon}}, step={{first_step}}, interval={{first_interval}})
        self.assertEqual(len(report["failures"]), report["predictions"])


if __name__ == "__main__":
    unittest.main()
