"""A price file as the coordinator writes and reads it: ``GET /data/prices``, ``coordinator-node prices``
and ``coordinator-node replay --prices`` (the replay's rules, so a file the replay accepts reads the same here).

One price per row, columns ``subject``, ``ts``, ``price`` (any order, other columns ignored). CSV
has a header line; empty lines and lines starting with ``#`` are skipped. ``ts`` is unix seconds
(``1767225600``) or ISO 8601 with a zone (``2026-01-01T00:00:00Z``); ``price`` a positive finite
number; a subject+ts twice is an error. ``.parquet`` (ts a TIMESTAMP or a number of seconds) is
read with pyarrow when it is installed.

    prices = read_price_file("prices.csv")   # {"BTC": [(1767225600, 87012.5), ...], ...} sorted by ts
"""
import csv
import datetime
import math
import os
import re

PRICE_COLUMNS = ("subject", "ts", "price")
_UNIX_SECONDS = re.compile(r"^\d+(\.\d+)?$")
# A time and a zone: a date without a zone would depend on the machine's.
_ISO_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


class PriceFileError(ValueError):
    """A price file that cannot be read; the message names the file and the line (CSV) or row (Parquet)."""

    def __init__(self, path, where, reason):
        super().__init__("%s%s: %s" % (path, ": " + where if where else "", reason))


def read_price_file(path):
    """``{subject: [(ts_seconds, price), ...]}`` sorted by ts, from a ``.csv`` or ``.parquet`` price file."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".csv", ".parquet"):
        raise PriceFileError(path, None, "unknown price file type (expected .csv or .parquet)")
    collector = _Collector(path)
    try:
        if ext == ".csv":
            with open(path, newline="", encoding="utf-8") as handle:
                _read_csv(handle, collector)
        else:
            _read_parquet(path, collector)
    except OSError as error:
        raise PriceFileError(path, None, "cannot be read (%s)" % (error.strerror or error)) from None
    return collector.prices()


class _Collector:
    def __init__(self, path):
        self.path = path
        self.points = {}
        self.seen = {}

    def add(self, where, subject, ts, price):
        if not isinstance(subject, str) or not subject.strip():
            raise PriceFileError(self.path, where, "missing subject")
        name = subject.strip()
        seconds = _timestamp(ts)
        if seconds is None:
            raise PriceFileError(self.path, where, "unreadable ts %s (unix seconds or ISO 8601 with a zone)" % _quote(ts))
        value = _price(price)
        if value is None:
            raise PriceFileError(self.path, where, "price %s is not a positive number" % _quote("" if price is None else price))
        key = (name, seconds)
        if key in self.seen:
            raise PriceFileError(self.path, where, "%s at %s is already on %s" % (name, _iso(seconds), self.seen[key]))
        self.seen[key] = where
        self.points.setdefault(name, []).append((seconds, value))

    def prices(self):
        if not self.points:
            raise PriceFileError(self.path, None, "holds no price")
        for series in self.points.values():
            series.sort(key=lambda entry: entry[0])
        return self.points


def _read_csv(handle, collector):
    columns = None
    for number, row in enumerate(csv.reader(handle), start=1):
        where = "line %d" % number
        if not row or (len(row) == 1 and not row[0].strip()) or row[0].startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if columns is None:
            columns = {name: i for i, name in enumerate(cells)}
            missing = [c for c in PRICE_COLUMNS if c not in columns]
            if missing:
                raise PriceFileError(collector.path, where, "the header lacks %s (expected %s, got %s)" % (", ".join(missing), ",".join(PRICE_COLUMNS), ",".join(cells)))
            continue
        if len(cells) != len(columns):
            raise PriceFileError(collector.path, where, "has %d fields, the header %d" % (len(cells), len(columns)))
        collector.add(where, *(cells[columns[c]] for c in PRICE_COLUMNS))


def _read_parquet(path, collector):
    try:
        import pyarrow.parquet as parquet  # optional: the standard library reads no Parquet
    except ImportError:
        raise PriceFileError(path, None, "reading Parquet needs pyarrow (pip install pyarrow); or download the prices with format=csv") from None
    try:
        table = parquet.read_table(path)
    except Exception as error:  # pyarrow's errors have no common base worth naming
        raise PriceFileError(path, None, "is not a readable Parquet file (%s)" % error) from None
    missing = [c for c in PRICE_COLUMNS if c not in table.column_names]
    if missing:
        raise PriceFileError(path, None, "lacks column(s) %s (has %s)" % (", ".join(missing), ", ".join(table.column_names)))
    columns = [table.column(c).to_pylist() for c in PRICE_COLUMNS]
    for i, (subject, ts, price) in enumerate(zip(*columns)):
        collector.add("row %d" % (i + 1), subject, ts, price)


def _timestamp(raw):
    """Epoch seconds (an int when whole, as the coordinator's ``ts / 1000`` is), or None."""
    if isinstance(raw, datetime.datetime):
        if raw.tzinfo is None:
            raw = raw.replace(tzinfo=datetime.timezone.utc)  # Parquet TIMESTAMP adjusted to UTC
        ms = round(raw.timestamp() * 1000)
    elif isinstance(raw, bool):
        return None
    elif isinstance(raw, (int, float)):
        if not math.isfinite(raw) or raw < 0:
            return None
        ms = round(raw * 1000)
    elif isinstance(raw, str):
        text = raw.strip()
        if _UNIX_SECONDS.match(text):
            ms = round(float(text) * 1000)
        elif _ISO_WITH_ZONE.match(text):
            try:
                ms = round(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
            except ValueError:
                return None
        else:
            return None
    else:
        return None
    # The coordinator keeps milliseconds and sends ts / 1000: a whole second is an integer.
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def _price(raw):
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str) and raw.strip():
        try:
            value = float(raw)
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _quote(value):
    text = str(value)
    return '"%s"' % (text if len(text) <= 40 else text[:40] + "...")


def _iso(seconds):
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
