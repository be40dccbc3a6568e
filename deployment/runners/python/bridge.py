"""Host of one Python model for the local orchestrator (standard library only).

Started as ``python3 -u bridge.py CODE_DIR PACKAGES_DIR``. Speaks line-delimited JSON on
stdin/stdout: requests ``{"id", "op": "setup"|"call"|"rest", "className"?, "method"?, "args", "kwargs"}``,
responses ``{"id", "ok": true, "value"?}`` or ``{"id", "ok": false, "error": {"code", "message"}}``.
Values are typed texts ``{"type": "NONE"|"DOUBLE"|"INT"|"STRING"|"JSON", "text": str}`` so NaN,
Infinity and big integers cross unchanged. Whatever the model prints goes to stderr.
"""
import importlib
import inspect
import json
import os
import pkgutil
import signal
import sys
import threading
import time
import traceback

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
ENTRY_FILES = ["main", "tracker", "model"]


class RunnerFailure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def short(error):
    text = "%s: %s" % (type(error).__name__, error)
    return text if len(text) <= 500 else text[:500] + "..."


def decode_typed(value, where):
    if not isinstance(value, dict) or not isinstance(value.get("type"), str) or not isinstance(value.get("text"), str):
        raise RunnerFailure("INVALID_ARGUMENT", "%s: malformed typed value" % where)
    kind, text = value["type"], value["text"]
    try:
        if kind == "NONE":
            return None
        if kind == "DOUBLE":
            return float(text)
        if kind == "INT":
            return int(text)
        if kind == "STRING":
            return text
        if kind == "JSON":
            return json.loads(text)
    except ValueError as error:
        raise RunnerFailure("INVALID_ARGUMENT", "%s: %s" % (where, short(error)))
    raise RunnerFailure("INVALID_ARGUMENT", "%s: unsupported variant type %s" % (where, kind))


def encode_return(value):
    if value is None:
        return {"type": "NONE", "text": ""}
    if isinstance(value, bool):
        return {"type": "INT", "text": "1" if value else "0"}
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise RunnerFailure("MODEL_FAILED", "returned integer %d does not fit in int64" % value)
        return {"type": "INT", "text": str(value)}
    if isinstance(value, float):
        return {"type": "DOUBLE", "text": json.dumps(value)}
    if isinstance(value, str):
        return {"type": "STRING", "text": value}
    if isinstance(value, (dict, list, tuple)):
        try:
            return {"type": "JSON", "text": json.dumps(value)}
        except (TypeError, ValueError) as error:
            raise RunnerFailure("MODEL_FAILED", "return value cannot be encoded: %s" % short(error))
    raise RunnerFailure("MODEL_FAILED", "return value of type %s cannot be encoded" % type(value).__name__)


class ModelRuntime:
    def __init__(self, code_dir, packages_dir):
        self.code_dir = os.path.abspath(code_dir)
        # The submission comes first; the stand-in packages come last, so an installed real
        # package (system site packages or the model's own environment) wins over them.
        if self.code_dir not in sys.path:
            sys.path.insert(0, self.code_dir)
        packages_dir = os.path.abspath(packages_dir)
        if packages_dir not in sys.path:
            sys.path.append(packages_dir)
        self.instance = None

    def resolve_base(self, class_name):
        parts = class_name.split(".") if isinstance(class_name, str) else []
        if len(parts) < 2 or not all(part.isidentifier() for part in parts):
            raise RunnerFailure("INVALID_ARGUMENT", 'className must look like "module.path.ClassName", got %r' % (class_name,))
        module_name = ".".join(parts[:-1])
        try:
            module = importlib.import_module(module_name)
        except Exception as error:  # noqa: BLE001 - as the real model server: the package is missing or broken
            raise RunnerFailure("BAD_IMPLEMENTATION", "base class module %s cannot be imported: %s" % (module_name, short(error)))
        base = getattr(module, parts[-1], None)
        if not inspect.isclass(base):
            raise RunnerFailure("INVALID_ARGUMENT", "base class %s not found" % class_name)
        return base

    def find_subclass(self, base):
        """The first subclass of ``base`` in the submission's modules and subpackages (entry files
        first), skipping classes of the base class's own package (its examples, its sub-trackers).
        A module that fails to import is skipped, as the real model server does; when no class is
        found, the import errors are the answer."""
        if not os.path.isdir(self.code_dir):
            raise RunnerFailure("BAD_IMPLEMENTATION", "cannot read code directory %s" % self.code_dir)
        base_package = base.__module__.split(".")[0]
        import_errors = []
        try:
            module_names = submission_modules(self.code_dir)
        except BaseException as error:  # noqa: BLE001 - a package __init__ that exits or raises while listed
            raise RunnerFailure("BAD_IMPLEMENTATION", "cannot list the modules of %s: %s" % (self.code_dir, short(error)))
        for module_name in module_names:
            try:
                module = importlib.import_module(module_name)
            except BaseException as error:  # noqa: BLE001 - a submission's import error is its fault
                import_errors.append("cannot import %s: %s" % (module_name, short(error)))
                traceback.print_exc()
                continue
            for _, candidate in inspect.getmembers(module, inspect.isclass):
                if candidate is base or not issubclass(candidate, base):
                    continue
                if candidate.__module__.split(".")[0] == base_package:
                    continue
                return candidate
        if import_errors:
            raise RunnerFailure("BAD_IMPLEMENTATION", "; ".join(import_errors))
        raise RunnerFailure("BAD_IMPLEMENTATION", "no subclass of %s found in %s" % (base.__name__, self.code_dir))

    def setup(self, class_name, args, kwargs):
        base = self.resolve_base(class_name)
        if self.instance is not None:
            return None
        positional = [decode_typed(arg, "instance argument %d" % i) for i, arg in enumerate(args or [])]
        keywords = {key: decode_typed(value, "instance keyword %s" % key) for key, value in (kwargs or {}).items()}
        model_class = self.find_subclass(base)
        keywords = declared_only(model_class.__init__, keywords)
        try:
            self.instance = model_class(*positional, **keywords)
        except Exception as error:  # noqa: BLE001
            raise RunnerFailure("SETUP_FAILED", "%s() failed: %s" % (model_class.__name__, short(error)))
        return None

    def call(self, method_name, args, kwargs):
        if self.instance is None:
            raise RunnerFailure("FAILED_PRECONDITION", "Setup must succeed before Call")
        if not isinstance(method_name, str) or not method_name:
            raise RunnerFailure("INVALID_ARGUMENT", "methodName is empty")
        method = getattr(self.instance, method_name, None)
        if method_name.startswith("_") or not callable(method):
            raise RunnerFailure("BAD_IMPLEMENTATION", "model has no method %s" % method_name)
        positional = [decode_typed(arg, "argument %d" % i) for i, arg in enumerate(args or [])]
        keywords = {key: decode_typed(value, "keyword %s" % key) for key, value in (kwargs or {}).items()}
        keywords = declared_only(method, keywords)
        try:
            result = method(*positional, **keywords)
        except Exception as error:  # noqa: BLE001
            raise RunnerFailure("MODEL_FAILED", "%s raised %s" % (method_name, short(error)))
        return encode_return(result)


def submission_modules(code_dir):
    """Module names of a code directory, subpackages included: entry files first, tests left out."""
    names = [name for _, name, _ in pkgutil.walk_packages([code_dir], onerror=lambda name: None)]
    names = [name for name in names if not any(part.startswith("test_") for part in name.split("."))]

    def rank(name):
        top = name.split(".")[0]
        return (ENTRY_FILES.index(top) if top in ENTRY_FILES else len(ENTRY_FILES), name)

    return sorted(names, key=rank)


def declared_only(function, keywords):
    """Keyword arguments are passed only when the function declares them (or takes **kwargs)."""
    if not keywords:
        return keywords
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return {}
    if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return keywords
    return {key: value for key, value in keywords.items() if key in parameters}


PARENT_POLL_SECONDS = 0.25
PR_SET_PDEATHSIG = 1


def die_with_parent():
    """Ends this process when the orchestrator that started it is gone, whatever the model is doing.

    A model stuck in a call keeps the main thread from ever reading stdin's end, so: on Linux the
    kernel sends SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG, which also covers a model
    holding the GIL in C code), and everywhere a daemon thread polls os.getppid() (an orphan is
    adopted by PID 1 or a subreaper, so its parent id changes) and exits the process.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        except (ImportError, OSError, AttributeError) as error:
            print("bridge: no parent-death signal (%s); the watchdog thread remains" % short(error), file=sys.stderr)

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def main():
    code_dir, packages_dir = sys.argv[1], sys.argv[2]
    die_with_parent()
    # The orchestrator decides when this process ends (Ctrl-C reaches the whole process group);
    # it ends when stdin closes or the orchestrator kills it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    protocol_out = sys.stdout
    sys.stdout = sys.stderr  # a model's print() must not corrupt the protocol stream
    runtime = ModelRuntime(code_dir, packages_dir)

    def reply(message):
        protocol_out.write(json.dumps(message) + "\n")
        protocol_out.flush()

    reply({"event": "ready"})
    for line in sys.stdin:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            op = request.get("op")
            if op == "setup":
                value = runtime.setup(request.get("className"), request.get("args"), request.get("kwargs"))
            elif op == "call":
                value = runtime.call(request.get("method"), request.get("args"), request.get("kwargs"))
            elif op == "rest":
                value = None
            else:
                raise RunnerFailure("INVALID_ARGUMENT", "unknown operation %r" % (op,))
            reply({"id": request_id, "ok": True, "value": value})
        except RunnerFailure as failure:
            reply({"id": request_id, "ok": False, "error": {"code": failure.code, "message": failure.message}})
        except Exception as error:  # noqa: BLE001 - the bridge itself must survive anything
            traceback.print_exc()
            reply({"id": request_id, "ok": False, "error": {"code": "UNKNOWN", "message": short(error)}})


if __name__ == "__main__":
    main()
