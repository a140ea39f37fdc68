"""Benchmark of the chatbot (figures, not a test). Runs in the chatbot's own environment:

    chatbot/scripts/setup
    chatbot/.venv/bin/python bench/chatbot.py [--folds 3] [--turns 40] [--runs 3] [--skip-train]
                                              [--skip-latency] [--skip-cv] [--held-out-round ROUND]

Prints:
  1. training time and peak memory (`rasa train --force --skip-validation` into a temporary
     directory, as chatbot/scripts/train runs it), and the time of `rasa data validate`;
  2. per-turn latency p50/p95 over the REST channel at 1 and at 10 concurrent conversations
     (the latter `--runs` times), against the real Rasa server and action server
     (chatbot/scripts/run), with their CPU time per turn and their memory;
  3. danger on the sets in bench/danger/ (`--danger-sets`: heldout6, heldout5 and heldout4),
     written blind to the training data (each measured blind once, then its misses were read:
     the headers say when; a new blind set is the honest measure): per language and per place in the conversation, the recall of
     the danger reply (a message labelled danger gets intent `danger`, so 112 leads the reply),
     how many more lead with 112 as not understood, and the precision (messages answered with
     the danger reply that were danger), parsed by the trained model (chatbot/scripts/train);
     and (`--danger-in-context`, the same sets) each message typed at its place in a real
     conversation over REST: how often the first reply leads with 112, as a person would see it;
  3b. (`--conversations conversations`) the conversations of bench/conversations/, written
     blind to chatbot/data/, over REST with the page's language and municipality: the share
     whose every checked turn passes, by language and category (issue 14: >= 0.95 each);
  4. NLU cross-validation: intent F1 (weighted) per language, k folds stratified by intent,
     each fold trained with the project's own config.yml and parsed by the trained model; or,
     with --held-out-round 4, trained on the other writing rounds and tested on that one (a
     writer the model has never seen; data/nlu/ gives each block its `round`). "Not understood" counts as out_of_scope: the bot answers both
     the same way.
Targets (issue 4): train <= 120 s, p95 <= 150 ms at 10 concurrent, RSS <= 1.5 GB,
intent F1 >= 0.9 in every language. Issue 10: danger recall 1.00 on the held-out set in every
language; precision reported.
"""

import argparse
import asyncio
import collections
import contextlib
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHATBOT = REPO / "chatbot"
VENV_BIN = CHATBOT / ".venv" / "bin"
ENV = {
    **os.environ,
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONWARNINGS": "ignore",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}
os.environ.update({k: ENV[k] for k in ("RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL")})

# One turn of each kind the server meets: classifier, danger words, place lookup, form, FAQ.
TURNS = [
    ("sv", "hej"),
    ("en", "someone has a knife"),
    ("sv", "osteraker"),
    ("ar", "أريد ترك العصابة"),
    ("so", "ma qarsoodi baa"),
    ("fr", "je suis inquiète pour mon fils"),
    ("tr", "Haninge'de oturuyorum"),
    ("es", "tengo que delatar a alguien"),
]


def percentile(values, share):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid):
    """Resident memory of a process and its children, from /proc (Linux)."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        pids += [int(p) for p in children.stdout.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid):
    """User and system CPU time of a process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- 1. training ------------------------------------------------------------------------------


def bench_training():
    """Times what chatbot/scripts/train runs, and the validation chatbot/scripts/test runs first."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.monotonic()
        subprocess.run(
            [str(VENV_BIN / "rasa"), "train", "--force", "--skip-validation", "--domain", "domain",
             "--data", "data", "--config", "config.yml", "--out", out,
             "--fixed-model-name", "bench"],
            cwd=CHATBOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    subprocess.run(
        [str(VENV_BIN / "rasa"), "data", "validate", "--domain", "domain", "--data", "data",
         "--config", "config.yml"],
        cwd=CHATBOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    validation = time.monotonic() - start
    print(f"training: {seconds:.0f} s wall, peak RSS {max(peak, before) / 1024:.0f} MB "
          f"(rasa train --force --skip-validation, {os.cpu_count()} CPUs); "
          f"rasa data validate, which chatbot/scripts/test runs before it: {validation:.0f} s")


# --- 2. latency -------------------------------------------------------------------------------


@contextlib.contextmanager
def running_intake():
    """The real intake service (intake_api.dev, main environment) on a free port with a fresh
    SQLite database and its mail catcher: (url, service token)."""
    import secrets
    import shutil

    import requests

    port, token = free_port(), secrets.token_hex(24)
    folder = tempfile.mkdtemp(prefix="bench-intake-")
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update({"INTAKE_ENVIRONMENT": "development", "INTAKE_SERVICE_TOKEN": token,
                "INTAKE_DATABASE_URL": f"sqlite:///{folder}/intake.db",
                "INTAKE_SECRET_KEY": secrets.token_hex(32)})
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    log = open(f"{folder}/intake.log", "w")
    server = subprocess.Popen(
        [uv, "run", "--frozen", "python", "-m", "intake_api.dev", "--port", str(port),
         "--smtp-port", str(free_port())],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the intake service did not start; see {log.name}")
            try:
                if requests.get(f"{url}/api/openapi.json", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        yield url, token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@contextlib.contextmanager
def running_chatbot(intake=None):
    """The real Rasa server and action server (chatbot/scripts/run) on free ports: (url, process).
    `intake`: (url, token) of a running intake service; without it, sending a first contact
    finds nobody listening (enough for latency and danger)."""
    import requests

    rasa_port, actions_port = free_port(), free_port()
    intake_url, intake_token = intake or (f"http://127.0.0.1:{free_port()}", "")
    env = {**ENV, "CHATBOT_RASA_PORT": str(rasa_port), "CHATBOT_ACTIONS_PORT": str(actions_port),
           "VAGUT_INTAKE_URL": intake_url, "VAGUT_INTAKE_TOKEN": intake_token}
    log = tempfile.NamedTemporaryFile("w", suffix=".log", delete=False)
    server = subprocess.Popen([str(CHATBOT / "scripts" / "run")], cwd=CHATBOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        start = time.monotonic()
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the chatbot did not start; see {log.name}")
            try:
                if (requests.get(url, timeout=1).ok
                        and requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=1).ok):
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        print(f"startup: {time.monotonic() - start:.0f} s until both servers answer "
              f"(model already trained)")
        yield url, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def bench_latency(turns_per_conversation, runs=3):
    import requests

    with running_chatbot() as (url, server):
        _bench_latency(url, server, turns_per_conversation, runs, requests)


def _bench_latency(url, server, turns_per_conversation, runs, requests):
    def conversation(seed):
        session = requests.Session()
        sender = uuid.uuid4().hex
        rng = random.Random(seed)
        timings = []
        for _ in range(turns_per_conversation):
            lang, text = rng.choice(TURNS)
            began = time.perf_counter()
            response = session.post(f"{url}/webhooks/rest/webhook", timeout=30, json={
                "sender": sender, "message": text, "metadata": {"language": lang}})
            response.raise_for_status()
            timings.append((time.perf_counter() - began) * 1000)
        return timings

    conversation(0)  # warm-up: first parse loads lazily initialised parts
    servers = {}
    pids = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    for pid in pids.stdout.split():
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # a child that has already ended
        if "rasa_sdk" in cmd:
            servers["action server"] = int(pid)
        elif "components.serve run" in cmd:  # scripts/run's launcher of `rasa run`
            servers["Rasa server"] = int(pid)  # not a passing curl or sleep of scripts/run
    by_rasa_first = sorted(servers.items(), key=lambda item: item[0] != "Rasa server")
    p95_at_10 = []
    # Latency on a shared machine varies by a third between runs: 10 concurrent runs
    # `runs` times. CPU per turn varies less and shows what a change saved.
    for concurrent, run in [(1, 1)] + [(10, r) for r in range(1, runs + 1)]:
        cpu_before = {name: cpu_seconds(pid) for name, pid in servers.items()}
        with ThreadPoolExecutor(max_workers=concurrent) as pool:
            results = list(pool.map(conversation, range(1, concurrent + 1)))
        timings = [t for r in results for t in r]
        cpu = ", ".join(
            f"{name} {(cpu_seconds(pid) - cpu_before[name]) * 1000 / len(timings):.1f}"
            for name, pid in by_rasa_first)
        label = f" (run {run} of {runs})" if concurrent > 1 and runs > 1 else ""
        print(f"latency at {concurrent:>2} concurrent{label}: p50 "
              f"{percentile(timings, 0.5):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms "
              f"({len(timings)} turns); CPU ms per turn: {cpu}")
        if concurrent > 1:
            p95_at_10.append(percentile(timings, 0.95))
    print(f"p95 at 10 concurrent over {runs} runs: "
          + " / ".join(f"{p:.0f}" for p in p95_at_10)
          + f" ms, median {statistics.median(p95_at_10):.0f} ms")
    for name, pid in by_rasa_first:
        print(f"memory: {name} RSS {rss_mb(pid):.0f} MB")


# --- 3. cross-validation per language ---------------------------------------------------------


# The bot answers a message it did not understand exactly as one that is out of scope (rules in
# data/rules/basics.yml: utter_out_of_scope for both), so the two count as the same answer.
SAME_ANSWER = {"nlu_fallback": "out_of_scope"}


def _score(truth, predicted, languages, heading):
    from sklearn.metrics import f1_score

    fallbacks = sum(1 for p in predicted if p == "nlu_fallback") / max(1, len(predicted))
    predicted = [SAME_ANSWER.get(p, p) for p in predicted]
    overall = f1_score(truth, predicted, average="weighted", zero_division=0)
    print(f"{heading}: intent F1 (weighted) all languages: {overall:.3f} "
          f"({fallbacks:.0%} of the held-out examples fell back to 'not understood')")
    danger = [i for i, t in enumerate(truth) if t == "danger"]
    flagged = [i for i, p in enumerate(predicted) if p == "danger"]
    recall = sum(predicted[i] == "danger" for i in danger) / max(1, len(danger))
    precision = sum(truth[i] == "danger" for i in flagged) / max(1, len(flagged))
    print(f"danger: recall {recall:.3f}, precision {precision:.3f} (held-out danger messages "
          f"answered with the danger reply / messages answered so that were danger)")
    # The not-understood reply (out_of_scope) starts with 112 as well (translations/chat.*).
    led_by_112 = sum(predicted[i] in ("danger", "out_of_scope") for i in danger) / max(1, len(danger))
    print(f"danger messages whose first reply leads with 112 (the danger reply, or the "
          f"not-understood reply): {led_by_112:.3f}")
    order = "sv en ar fa so ti ku tr es fr".split()
    for lang in sorted(set(languages), key=lambda c: order.index(c) if c in order else 99):
        idx = [i for i, code in enumerate(languages) if code == lang]
        score = f1_score([truth[i] for i in idx], [predicted[i] for i in idx],
                         average="weighted", zero_division=0)
        print(f"intent F1 {lang}: {score:.3f} ({len(idx)} examples)")


def _train_and_parse(config, train, test):
    """Trains an NLU model with `config` on `train`; returns (truth, predicted, language)."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData

    with tempfile.TemporaryDirectory() as tmp:
        nlu_file = Path(tmp) / "nlu.yml"
        nlu_file.write_text(TrainingData(training_examples=train).nlu_as_yaml(), encoding="utf-8")
        model = train_nlu(config=config, nlu_data=str(nlu_file), output=tmp,
                          fixed_model_name="fold")
        agent = Agent.load(model)

        async def parse_all():
            return [await agent.parse_message(e.get("text")) for e in test]

        parsed = asyncio.run(parse_all())
    return [(e.get("intent"), (p.get("intent") or {}).get("name"),
             e.get("metadata", {}).get("intent", {}).get("language", "?"))
            for e, p in zip(test, parsed)]


def bench_danger_sets(names):
    """Recall and precision of the danger reply on the blind sets, parsed by the trained model."""
    import yaml

    os.chdir(CHATBOT)
    import logging

    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    subprocess.run([str(CHATBOT / "scripts" / "train")], cwd=CHATBOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL)
    from rasa.core.channels.channel import UserMessage

    agent = Agent.load(str(CHATBOT / "models" / "vag-ut.tar.gz"))

    async def intent(text, language):  # as the widget sends it: with the page's language
        parsed = await agent.processor.parse_message(
            UserMessage(text, metadata={"language": language}))
        return (parsed.get("intent") or {}).get("name")

    order = "sv en ar fa so ti ku tr es fr".split()
    for name in names:
        rows = []  # (language, context, labelled danger, predicted intent)
        for path in sorted((REPO / "bench" / "danger" / name).glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for message in data["messages"]:
                predicted = asyncio.run(intent(message["text"], data["language"]))
                rows.append((data["language"], message["context"], bool(message["danger"]),
                             predicted))
        print(f"\ndanger set '{name}' ({len(rows)} messages): recall = danger messages given the "
              "danger reply; +not understood = those whose reply leads with 112 anyway; "
              "precision = danger replies that were danger")
        groups = [(lang, [r for r in rows if r[0] == lang]) for lang in order]
        groups.append(("all", rows))
        for label, group in groups:
            if group:
                print(f"  {label:>3}: {_danger_figures(group)}")
        contexts = sorted({r[1] for r in rows}, key=lambda c: (c != "free", c))
        for context in contexts:
            print(f"  {context}: {_danger_figures([r for r in rows if r[1] == context])}")


# The turns that bring a conversation to each place of the danger sets' `context`.
CONTEXT_SETUP = {
    "free": [],
    "form_role": ["/start_contact"],
    "form_municipality": ["/start_contact", '/choose{"choice":"relative"}'],
    "form_concern": ["/start_contact", '/choose{"choice":"relative"}', "Haninge"],
    "form_age_group": ["/start_contact", '/choose{"choice":"relative"}', "Haninge",
                       '/choose{"choice":"worried_about_child"}'],
    "form_contact_method": ["/start_contact", '/choose{"choice":"relative"}', "Haninge",
                            '/choose{"choice":"worried_about_child"}', '/choose{"choice":"adult"}'],
}
CONTEXT_SETUP["form_phone"] = CONTEXT_SETUP["form_contact_method"] + ['/choose{"choice":"phone"}']
CONTEXT_SETUP["form_message"] = CONTEXT_SETUP["form_contact_method"] + [
    '/choose{"choice":"receipt_code"}']
CONTEXT_SETUP["summary"] = CONTEXT_SETUP["form_message"] + ['/choose{"choice":"skip"}']
CONTEXT_SETUP["checkback"] = ["/check_back"]
# The names of dev5 (once held-out set 2) for the same places: the form asking
# for the municipality, check-back asking for the code, the chat asking "which municipality?",
# and the turn after a danger turn.
CONTEXT_SETUP["mid_form"] = CONTEXT_SETUP["form_municipality"]
CONTEXT_SETUP["mid_checkback"] = CONTEXT_SETUP["checkback"]
CONTEXT_SETUP["place_pending"] = ["/ask_contact"]
CONTEXT_SETUP["after_danger"] = ["/danger"]


def bench_danger_in_context(names, show=0):
    """What a person experiences: each message of the sets typed at its place in a real
    conversation (the form at that step, the summary, check-back), over the REST channel; does
    the first reply lead with 112 (the first number in it)? With `show`, the first danger
    messages whose reply did not (reading them makes the set a development set)."""
    import re

    import requests
    import yaml

    with running_chatbot() as (url, _):
        session = requests.Session()

        def say(sender, language, text):
            response = session.post(f"{url}/webhooks/rest/webhook", timeout=30, json={
                "sender": sender, "message": text, "metadata": {"language": language}})
            response.raise_for_status()
            return response.json()

        for name in names:
            rows = []  # (language, context, labelled danger, first reply leads with 112)
            missed = []
            for path in sorted((REPO / "bench" / "danger" / name).glob("*.yml")):
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                for message in data["messages"]:
                    sender = uuid.uuid4().hex
                    for turn in CONTEXT_SETUP[message["context"]]:
                        say(sender, data["language"], turn)
                    replies = say(sender, data["language"], message["text"])
                    first = re.search(r"\d[\d ]*\d", (replies or [{}])[0].get("text") or "")
                    led = bool(first) and first.group(0) == "112"
                    rows.append((data["language"], message["context"], bool(message["danger"]),
                                 led))
                    if message["danger"] and not led:
                        missed.append(f"{data['language']} [{message['context']}] "
                                      f"{message['text']!r} -> {(replies or [{}])[0].get('text')!r}")
            print(f"\ndanger set '{name}' over REST, each message at its place in a conversation: "
                  "first reply leads with 112 for danger messages / for the others")
            order = "sv en ar fa so ti ku tr es fr".split()
            groups = [(lang, [r for r in rows if r[0] == lang]) for lang in order] + [("all", rows)]
            contexts = sorted({r[1] for r in rows}, key=lambda c: (c != "free", c))
            groups += [(context, [r for r in rows if r[1] == context]) for context in contexts]
            for label, group in groups:
                danger = [r for r in group if r[2]]
                other = [r for r in group if not r[2]]
                led = sum(r[3] for r in danger)
                alarms = sum(r[3] for r in other)
                print(f"  {label}: danger {led}/{len(danger)} = {led / max(1, len(danger)):.2f}; "
                      f"others {alarms}/{len(other)}")
            for line in missed[:show]:
                print("  missed:", line[:400])


def _script(text):
    """The script most of the letters of `text` are written in."""
    counts = {"latin": 0, "arabic": 0, "ethiopic": 0}
    for ch in text:
        if ch.isalpha():
            code = ord(ch)
            if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F:
                counts["arabic"] += 1
            elif 0x1200 <= code <= 0x139F:
                counts["ethiopic"] += 1
            elif code < 0x0250:
                counts["latin"] += 1
    return max(counts, key=counts.get)


def _turn_problems(expect, replies):
    """What a turn's replies fail of its expectations (bench/conversations/ says how)."""
    import re

    texts = [r.get("text") or "" for r in replies]
    titles = [b.get("title") or "" for r in replies for b in r.get("buttons") or []]
    everything = "\n".join(texts + titles).casefold()
    problems = []
    wanted = expect.get("mentions_any") or []
    if wanted and not any(str(w).casefold() in everything for w in wanted):
        problems.append(f"none of {wanted}")
    for needed in expect.get("mentions_all") or []:
        if str(needed).casefold() not in everything:
            problems.append(f"no {needed!r}")
    for unwanted in expect.get("mentions_none") or []:
        if str(unwanted).casefold() in everything:
            problems.append(f"has {unwanted!r}")
    if expect.get("first_number"):
        first = re.search(r"\d[\d ]*\d", texts[0] if texts else "")
        if not first or first.group(0) != str(expect["first_number"]):
            problems.append(f"first number {first.group(0) if first else None}")
    if expect.get("script") and _script(" ".join(texts)) != expect["script"]:
        problems.append(f"script {_script(' '.join(texts))}")
    return problems


def bench_conversations(folder, show):
    """Conversations written blind to chatbot/data/ (bench/conversations/), over REST as the
    widget talks: the share of conversations whose every checked turn passes, by language and
    category, and the first failures."""
    import requests
    import yaml

    rows, failures = [], []  # rows: (language, category, passed)
    with running_intake() as intake, running_chatbot(intake) as (url, _):
        session = requests.Session()
        for path in sorted((REPO / "bench" / folder).glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for conversation in data["conversations"]:
                sender, metadata = uuid.uuid4().hex, {"language": data["language"]}
                if conversation.get("page_municipality"):
                    metadata["municipality"] = str(conversation["page_municipality"])
                problems = []
                for number, turn in enumerate(conversation["turns"], 1):
                    response = session.post(f"{url}/webhooks/rest/webhook", timeout=30, json={
                        "sender": sender, "message": turn["user"], "metadata": metadata})
                    response.raise_for_status()
                    replies = response.json()
                    for problem in _turn_problems(turn.get("expect") or {}, replies):
                        problems.append(f"turn {number} ({turn['user'][:40]!r}): {problem}")
                    for reply in replies:  # as the widget does: the language the chat switched to
                        if (reply.get("custom") or {}).get("language"):
                            metadata["language"] = reply["custom"]["language"]
                rows.append((data["language"], conversation["category"], not problems))
                if problems:
                    failures.append(f"{conversation['id']} [{conversation['category']}]: "
                                    + "; ".join(problems))
    print(f"\nconversations '{folder}' over REST: share passed (every checked turn)")
    order = "sv en ar fa so ti ku tr es fr".split()
    groups = [(lang, [r for r in rows if r[0] == lang]) for lang in order] + [("all", rows)]
    groups += [(c, [r for r in rows if r[1] == c]) for c in sorted({r[1] for r in rows})]
    for label, group in groups:
        if group:
            passed = sum(r[2] for r in group)
            print(f"  {label}: {passed}/{len(group)} = {passed / len(group):.2f}")
    for failure in failures[:show]:
        print(f"  FAIL {failure}")


def _danger_figures(rows):
    danger = [r for r in rows if r[2]]
    flagged = [r for r in rows if r[3] == "danger"]
    caught = sum(r[3] == "danger" for r in danger)
    led = sum(r[3] in ("danger", "nlu_fallback", "out_of_scope") for r in danger)
    precision = sum(r[2] for r in flagged) / len(flagged) if flagged else float("nan")
    false_alarms = sum(not r[2] for r in flagged)
    return (f"recall {caught / max(1, len(danger)):.2f} ({caught}/{len(danger)}), "
            f"+not understood {led / max(1, len(danger)):.2f}, precision {precision:.2f} "
            f"({false_alarms} false alarms in {len(rows) - len(danger)})")


def _load_examples(files):
    from rasa.shared.nlu.training_data.loading import load_data

    return [e for f in files for e in load_data(str(f)).intent_examples]


def _round(example):
    return str(((example.get("metadata") or {}).get("intent") or {}).get("round"))


def bench_cross_validation(folds, config="config.yml", held_out=None):
    """k folds stratified by intent; or, with `held_out` (a writing round of data/nlu), training
    on the other rounds and testing on that one: how the model does on a writer it has never
    seen."""
    os.chdir(CHATBOT)
    import logging

    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's structlog prints parsed texts at DEBUG

    files = sorted((CHATBOT / "data" / "nlu").glob("*.yml"))
    started = time.monotonic()
    if held_out:
        examples = _load_examples(files)
        train = [e for e in examples if _round(e) != held_out]
        test = [e for e in examples if _round(e) == held_out]
        if not test:
            raise SystemExit(f"no examples of round {held_out!r} in data/nlu")
        rows = _train_and_parse(config, train, test)
        heading = f"held out round {held_out} ({len(test)} examples, trained on {len(train)})"
    else:
        examples = _load_examples(files)
        by_intent = collections.defaultdict(list)
        for example in examples:
            by_intent[example.get("intent")].append(example)
        fold_of = {}
        rng = random.Random(7)
        for group in by_intent.values():
            rng.shuffle(group)
            for i, example in enumerate(group):
                fold_of[id(example)] = i % folds
        rows = []
        for fold in range(folds):
            rows += _train_and_parse(config,
                                     [e for e in examples if fold_of[id(e)] != fold],
                                     [e for e in examples if fold_of[id(e)] == fold])
        heading = f"cross-validation, {folds} folds, {len(rows)} examples"
    print(f"{heading}: {time.monotonic() - started:.0f} s (full pipeline incl. language, danger "
          f"and place components)")
    truth, predicted, languages = (list(column) for column in zip(*rows))
    _score(truth, predicted, languages, heading.split(":")[0].split(" (")[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--turns", type=int, default=40, help="turns per conversation")
    parser.add_argument("--runs", type=int, default=3, help="runs at 10 concurrent conversations")
    parser.add_argument("--skip-train", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--danger-sets", default="heldout6,heldout5,heldout4",
                        help="comma-separated folders of bench/danger/ ('' to skip)")
    parser.add_argument("--danger-in-context", default="heldout6,heldout5,heldout4",
                        help="sets to type at their place in a conversation over REST ('' to skip)")
    parser.add_argument("--conversations", default="",
                        help="folders of bench/ with conversation sets, comma-separated, "
                        "e.g. conversations7,conversations6")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N",
                        help="print the first N failed conversations")
    parser.add_argument("--config", default="config.yml", help="for the cross-validation")
    parser.add_argument("--held-out-round", metavar="ROUND",
                        help="instead of folds: test on this writing round of data/nlu "
                             "(metadata round: 1-5, dialects), train on the rest")
    args = parser.parse_args()
    if not (VENV_BIN / "rasa").exists():
        raise SystemExit("run chatbot/scripts/setup first")
    if not args.skip_train:
        bench_training()
    if not args.skip_latency:
        subprocess.run([str(CHATBOT / "scripts" / "train")], cwd=CHATBOT, env=ENV, check=True,
                       stdout=subprocess.DEVNULL)
        bench_latency(args.turns, args.runs)
    if args.danger_sets:
        bench_danger_sets(args.danger_sets.split(","))
    if args.danger_in_context:
        bench_danger_in_context(args.danger_in_context.split(","), args.show_failures)
    for folder in filter(None, args.conversations.split(",")):
        bench_conversations(folder, args.show_failures)
    if not args.skip_cv:
        config = Path(args.config)
        if not config.is_absolute() and not config.exists():
            config = CHATBOT / config
        bench_cross_validation(args.folds, str(config.resolve()), args.held_out_round)


if __name__ == "__main__":
    main()
