"""PriceStore of the crunch_synth stand-in: each behaviour of the Synth game spec, pinned."""
import unittest

from crunch_synth.prices import PriceStore

DAY = 86400
T0 = 1_700_000_000


def minutes(count, start=T0, price=100.0):
    return [(start + 60 * i, price + i) for i in range(count)]


class PriceStoreTest(unittest.TestCase):
    def test_add_bulk_keeps_points_per_asset_sorted_by_timestamp(self):
        store = PriceStore()
        store.add_bulk({"BTC": [[T0 + 120, 3.0], [T0, 1.0], [T0 + 60, 2.0]], "ETH": [[T0, 10.0]]})
        self.assertEqual(store.get_prices("BTC"), [(T0, 1.0), (T0 + 60, 2.0), (T0 + 120, 3.0)])
        self.assertEqual(store.get_prices("ETH"), [(T0, 10.0)])

    def test_a_timestamp_added_again_overwrites_its_price_and_the_last_of_a_batch_wins(self):
        store = PriceStore()
        store.add_prices("BTC", minutes(5))
        store.add_prices("BTC", [(T0 + 120, 999.0)])
        self.assertEqual(store.get_closest_price("BTC", T0 + 120), (T0 + 120, 999.0))
        self.assertEqual(len(store.data["BTC"]), 5)
        store.add_prices("BTC", [(T0 + 600, 1.0), (T0 + 600, 2.0), (T0 + 600, 3.0)])
        self.assertEqual(store.get_last_price("BTC"), (T0 + 600, 3.0))
        self.assertEqual(len(store.data["BTC"]), 6)

    def test_overlapping_ticks_do_not_duplicate_points(self):
        store = PriceStore()
        first = minutes(5)
        store.add_bulk({"BTC": first})
        store.add_bulk({"BTC": first[-3:] + [(first[-1][0] + 60, 200.0)]})
        self.assertEqual(len(store.data["BTC"]), 6)
        self.assertEqual(store.get_last_price("BTC"), (first[-1][0] + 60, 200.0))

    def test_keeps_30_days_before_the_newest_point_of_each_asset(self):
        store = PriceStore()
        store.add_prices("BTC", [(T0 + day * DAY, float(day)) for day in range(40)])
        kept = store.data["BTC"].keys()
        self.assertEqual(kept[0], T0 + 9 * DAY)  # newest is day 39: days 9..39 stay (cutoff inclusive)
        self.assertEqual(len(kept), 31)
        store.add_prices("ETH", [(T0, 1.0)])
        self.assertEqual(len(store.data["ETH"]), 1)  # each asset has its own window

    def test_the_window_is_configurable(self):
        store = PriceStore(window_days=5)
        store.add_prices("BTC", [(T0 + day * DAY, 1.0) for day in range(10)])
        self.assertEqual(len(store.data["BTC"]), 6)

    def test_last_timestamp_is_the_newest_over_all_assets(self):
        store = PriceStore()
        self.assertIsNone(store.last_timestamp)
        store.add_bulk({"BTC": [(T0, 1.0)], "ETH": [(T0 + 300, 2.0)]})
        self.assertEqual(store.last_timestamp, T0 + 300)

    def test_get_prices_thins_to_the_resolution_from_the_oldest_point(self):
        store = PriceStore()
        store.add_prices("BTC", minutes(10))
        thinned = store.get_prices("BTC", resolution=120)
        self.assertEqual([ts for ts, _ in thinned], [T0 + 120 * i for i in range(5)])
        irregular = PriceStore()
        irregular.add_prices("BTC", [(T0, 1.0), (T0 + 90, 2.0), (T0 + 100, 3.0), (T0 + 180, 4.0), (T0 + 200, 5.0)])
        self.assertEqual([ts for ts, _ in irregular.get_prices("BTC", resolution=100)], [T0, T0 + 100, T0 + 200])

    def test_get_prices_limits_to_the_last_days_inclusive(self):
        store = PriceStore()
        store.add_prices("BTC", [(T0 + day * DAY, float(day)) for day in range(10)])
        self.assertEqual(len(store.get_prices("BTC", 5)), 6)
        self.assertEqual(len(store.get_prices("BTC", None)), 10)
        self.assertEqual(store.get_prices("BTC", 5, resolution=2 * DAY)[0], (T0 + 4 * DAY, 4.0))

    def test_readers_answer_empty_or_none_without_data(self):
        store = PriceStore()
        self.assertEqual(store.get_prices("BTC"), [])
        self.assertIsNone(store.get_last_price("BTC"))
        self.assertIsNone(store.get_closest_price("BTC", T0))

    def test_get_closest_price_prefers_the_earlier_point_on_a_tie_and_clamps_outside_the_range(self):
        store = PriceStore()
        store.add_prices("BTC", [(T0, 1.0), (T0 + 60, 2.0)])
        self.assertEqual(store.get_closest_price("BTC", T0 + 30), (T0, 1.0))
        self.assertEqual(store.get_closest_price("BTC", T0 + 31), (T0 + 60, 2.0))
        self.assertEqual(store.get_closest_price("BTC", T0 - 1000), (T0, 1.0))
        self.assertEqual(store.get_closest_price("BTC", T0 + 1000), (T0 + 60, 2.0))

    def test_refuses_malformed_ticks_with_a_message_naming_the_entry(self):
        store = PriceStore()
        with self.assertRaisesRegex(ValueError, "BTC entry 1 must be a \\[timestamp, price\\] pair"):
            store.add_bulk({"BTC": [[T0, 1.0], [T0]]})
        with self.assertRaisesRegex(ValueError, "BTC entry 0 price must be a number"):
            store.add_bulk({"BTC": [[T0, "1.0"]]})
        with self.assertRaisesRegex(ValueError, "price data must be a mapping"):
            store.add_bulk([[T0, 1.0]])


if __name__ == "__main__":
    unittest.main()
