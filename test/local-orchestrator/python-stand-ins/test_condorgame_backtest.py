"""condorgame.backtest and condorgame.price_file: the command line's argument errors, the price file's
rules (the replay's), the schedule, ground truth and penalties of a run.

Scores against the coordinator's own scorer and a replay: test/data/condorgame-backtest*.spec.ts.
"""
import io
import json
import math
import os
import shutil
import tempfile
import unittest

from condorgame import backtest as bt
from condorgame.price_file import PriceFileError, read_price_file
from condorgame.tracker import TrackerBase

T0 = 1767225600


class NormalTracker(TrackerBase):
    """A fixed normal of log-returns; raises for XAU; records the newest price it had at each predict."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def predict(self, asset, horizon, step):
        if asset == "XAU":
            raise RuntimeError("no XAU model")
        self.asked.append((asset, self.prices.get_last_price(asset)))
        return [{"type": "builtin", "name": "norm", "params": {"loc": 0, "scale": 0.001}}] * (horizon // step)


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as handle:
            handle.write(text)
        return path


class PriceFileTest(Files):
    def test_reads_columns_in_any_order_iso_or_unix_seconds_skipping_comments_and_empty_lines(self):
        path = self.write("p.csv", "# from GET /data/prices\nts,price,subject,volume\n\n1767225660,101.5,BTC,3\n2026-01-01T00:00:00Z,100,BTC,1\n1767225600,3000.25,ETH,2\n")
        self.assertEqual(read_price_file(path), {"BTC": [(T0, 100.0), (T0 + 60, 101.5)], "ETH": [(T0, 3000.25)]})

    def test_names_the_line_of_a_bad_row(self):
        cases = [
            ("subject,ts,price\nBTC,soon,101\n", "line 2: unreadable ts \"soon\""),
            ("subject,ts,price\nBTC,1767225600,0\n", "line 2: price \"0\" is not a positive number"),
            ("subject,ts,price\nBTC,1767225600,1\nBTC,2026-01-01T00:00:00Z,2\n", "line 3: BTC at 2026-01-01T00:00:00.000Z is already on line 2"),
            ("subject,time,price\nBTC,1767225600,1\n", "line 1: the header lacks ts"),
            ("subject,ts,price\nBTC,1767225600\n", "line 2: has 2 fields, the header 3"),
            ("subject,ts,price\n", "holds no price"),
        ]
        for text, message in cases:
            with self.subTest(message):
                with self.assertRaisesRegex(PriceFileError, message):
                    read_price_file(self.write("p.csv", text))

    def test_refuses_other_file_types_and_says_what_parquet_needs(self):
        with self.assertRaisesRegex(PriceFileError, r"unknown price file type \(expected .csv or .parquet\)"):
            read_price_file(self.write("p.txt", "subject,ts,price\n"))
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            with self.assertRaisesRegex(PriceFileError, "reading Parquet needs pyarrow"):
                read_price_file(self.write("p.parquet", "PAR1"))


class CommandLineTest(Files):
    def run_main(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        code = bt.main(list(argv), stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def prices(self):
        return self.write("prices.csv", "subject,ts,price\nBTC,1767225600,87000\n")

    def test_refuses_bad_arguments_with_one_line_and_exit_code_2(self):
        prices = self.prices()
        cases = [
            ((), "the following arguments are required: --prices, --tracker"),
            (("--prices", prices, "--tracker", "t.py", "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z"), "--from 2026-01-02T00:00:00Z is not before --to"),
            (("--prices", prices, "--tracker", "t.py", "--from", "soon"), "--from must be unix seconds or ISO 8601 with a zone"),
            (("--prices", prices, "--tracker", "t.py", "--from", "2026-01-01"), "--from must be unix seconds or ISO 8601 with a zone"),
            (("--prices", prices, "--tracker", "t.py", "--group", "weekly"), "argument --group: invalid choice: 'weekly'"),
            (("--prices", prices, "--tracker", "t.py", "--assets", "BTC,DOGE"), "--assets: DOGE not among the configs' assets"),
            (("--prices", prices, "--tracker", "t.py", "--prediction", "BTC:3600:70:720"), "BTC: horizon 3600 is not a multiple of step 70"),
            (("--prices", prices, "--tracker", "t.py", "--prediction", "BTC:3600:60"), "--prediction must be ASSET:HORIZON:STEP:INTERVAL"),
            (("--prices", prices, "--tracker", "t.py", "--staleness", "-1"), "argument --staleness: must be a positive number"),
            (("--prices", prices, "--tracker", os.path.join(self.dir, "missing.py")), "--tracker: no file"),
            (("--prices", prices, "--tracker", self.write("empty.py", "X = 1\n")), "defines no subclass of condorgame.tracker.TrackerBase"),
            (("--prices", os.path.join(self.dir, "none.csv"), "--tracker", "t.py"), "none.csv: cannot be read"),
        ]
        for argv, message in cases:
            with self.subTest(message):
                code, out, err = self.run_main(*argv)
                self.assertEqual((code, out), (2, ""))
                self.assertTrue(err.startswith("backtest: ") and message in err and err.count("\n") == 1, err)

    def test_finds_the_trackerbase_subclass_of_a_file_and_prints_json(self):
        tracker = self.write("my_tracker.py", "from condorgame.tracker import TrackerBase\n\nclass Mine(TrackerBase):\n"
                             "    def predict(self, asset, horizon, step):\n"
                             "        return [{'type': 'builtin', 'name': 'norm', 'params': {'loc': 0, 'scale': 0.001}}] * (horizon // step)\n")
        lines = ["subject,ts,price"] + ["BTC,%d,%r" % (T0 + 60 * m, 87000 * math.exp(0.0005 * math.sin(m))) for m in range(0, 62)]
        prices = self.write("prices.csv", "\n".join(lines) + "\n")
        code, out, err = self.run_main("--prices", prices, "--tracker", tracker, "--group", "hourly", "--assets", "BTC", "--json")
        self.assertEqual((code, err), (0, ""))
        result = json.loads(out)
        self.assertEqual([(p["performed_at"], p["asset"], p["status"], p["success"]) for p in result["predictions"]], [(T0, "BTC", "SUCCESS", True)])
        self.assertEqual(set(result["means_by_param"]), {"BTC-3600-60"})


class BacktestTest(unittest.TestCase):
    def prices(self, skip=()):
        return {asset: [(T0 + 60 * m, base * math.exp(0.0004 * math.sin(m + i))) for m in range(-60, 121) if (asset, m) not in skip]
                for i, (asset, base) in enumerate((("BTC", 87000.0), ("ETH", 2950.0), ("SOL", 125.0), ("XAU", 4300.0)))}

    def test_predicts_on_the_competitions_round_robin_after_the_tick_of_the_same_instant(self):
        tracker = NormalTracker()
        result = bt.backtest(tracker, self.prices(), bt.reference_configs(["hourly"]), start=T0, end=T0 + 7200)
        self.assertEqual([(p.performed_at - T0, p.config.asset) for p in result.predictions[:5]], [(0, "BTC"), (180, "ETH"), (360, "SOL"), (540, "XAU"), (720, "BTC")])
        self.assertEqual(len(result.predictions), 21)  # 0..3600 s every 180 s
        # The tick of a round's instant came first: the tracker had the price at that instant.
        self.assertEqual(tracker.asked[0], ("BTC", (T0, 87000.0)))

    def test_a_failed_prediction_gets_the_penalty_and_a_gap_makes_the_round_void(self):
        skip = {("ETH", m) for m in (30, 31, 32, 33, 34)}  # minute 32: 180 s from any price
        result = bt.backtest(NormalTracker(), self.prices(skip), bt.reference_configs(["hourly"]), start=T0, end=T0 + 7200)
        by_asset = {}
        for p in result.predictions:
            by_asset.setdefault(p.config.asset, []).append(p)
        self.assertEqual({(p.status, p.score, p.success) for p in by_asset["XAU"]}, {("FAILED", 0, False)})
        self.assertEqual([p.score is None for p in by_asset["ETH"]], [True, True, True, False, False])
        self.assertIn("gap in the price file", by_asset["ETH"][0].reason)
        self.assertTrue(all(p.success and p.score > 0 for p in by_asset["BTC"] + by_asset["SOL"]))
        # Penalties count in the means (as in the coordinator's windows); void rounds do not.
        self.assertEqual(result.means_by_param()["XAU-3600-60"], 0)
        self.assertEqual(len(result.scored), 21 - 3)

    def test_a_tracker_without_a_successful_history_tick_is_absent(self):
        class NoTick(NormalTracker):
            def tick(self, data):
                raise RuntimeError("broken")

        result = bt.backtest(NoTick(), self.prices(), bt.reference_configs(["hourly"]), start=T0, end=T0 + 3600)
        self.assertEqual({(p.status, p.score, p.reason) for p in result.predictions}, {("ABSENT", 0, "no history yet")})


if __name__ == "__main__":
    unittest.main()
