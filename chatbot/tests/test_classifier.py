"""components.classifier: the intents and confidences of scikit-learn's logistic regression on
the same counts, the same after saving and loading, and words cut the way it says."""

import numpy as np
import pytest

EXAMPLES = {
    "danger": ["någon hotar mig nu", "he has a knife", "هو يهددني الآن", "wuu i hanjabayaa hadda",
               "bıçağı var", "me están amenazando ahora", "il a une arme", "han har en kniv!"],
    "greet": ["hej", "hello there", "مرحبا", "salaan", "merhaba", "hola", "bonjour", "hallå hallå"],
    "ask_contact": ["vem ska jag ringa", "who do i call", "بمن أتصل", "yaan la xiriiraa",
                    "kimi aramalıyım", "a quién llamo", "qui dois-je appeler", "numret till kommun"],
}
NEW = ["hotar mig hotar", "ordet finns inte", "", "hello", "who should i call?", "¡hola!", "hon har en kniv", "qui appeler", "مرحبا!"]


def training_data(examples):
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    return TrainingData(training_examples=[
        Message(data={"text": text, "intent": intent})
        for intent, texts in examples.items() for text in texts])


@pytest.fixture
def storage(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    return (LocalModelStorage(tmp_path), Resource("classifier"),
            ExecutionContext(GraphSchema({}), "classifier"))


CONFIG = {"max_iter": 200, "random_state": 7}


def parsed(classifier, texts):
    from rasa.shared.nlu.training_data.message import Message

    return classifier.process([Message(data={"text": t}) for t in texts])


def counts(classifier, texts):
    """scikit-learn's own count matrix over the classifier's vocabularies."""
    import scipy.sparse

    return scipy.sparse.hstack([v.transform(texts) for v in classifier.vectorizers], format="csr")


@pytest.mark.parametrize("intents", [["danger", "greet", "ask_contact"], ["danger", "greet"]])
def test_same_intents_and_confidences_as_scikit_learn(storage, intents):
    from sklearn.linear_model import LogisticRegression

    from components.classifier import IntentClassifier

    examples = {name: EXAMPLES[name] for name in intents}
    classifier = IntentClassifier.create(CONFIG, *storage)
    classifier.train(training_data(examples))

    texts = [t for ts in examples.values() for t in ts]
    labels = [name for name, ts in examples.items() for _ in ts]
    reference = LogisticRegression(max_iter=200, class_weight="balanced", random_state=7)
    reference.fit(counts(classifier, texts), labels)
    expected = reference.predict_proba(counts(classifier, NEW))

    for message, row in zip(parsed(classifier, NEW), expected):
        confidences = {r["name"]: r["confidence"] for r in message.get("intent_ranking")}
        assert confidences == pytest.approx(dict(zip(reference.classes_, row)))
        assert message.get("intent")["name"] == reference.classes_[int(np.argmax(row))]
        ranked = [r["confidence"] for r in message.get("intent_ranking")]
        assert ranked == sorted(ranked, reverse=True)


def test_unseen_messages_get_the_expected_intents(storage):
    from components.classifier import IntentClassifier

    classifier = IntentClassifier.create(CONFIG, *storage)
    classifier.train(training_data(EXAMPLES))
    names = [m.get("intent")["name"] for m in parsed(classifier, NEW)]
    # Repeated words count twice; unknown words and an empty text leave only the intercepts.
    assert names[0] == "danger"
    assert names[3:] == ["greet", "ask_contact", "greet", "danger", "ask_contact", "greet"]


def test_a_loaded_model_answers_exactly_as_the_trained_one(storage):
    from components.classifier import IntentClassifier

    trained = IntentClassifier.create(CONFIG, *storage)
    trained.train(training_data(EXAMPLES))
    loaded = IntentClassifier.load(CONFIG, *storage)
    for a, b in zip(parsed(trained, NEW), parsed(loaded, NEW)):
        assert a.get("intent_ranking") == b.get("intent_ranking")
    # Stored as plain data: vocabularies in JSON and weights NumPy can load without pickle.
    model_storage, resource, _ = storage
    with model_storage.read_from(resource) as directory:
        assert sorted(p.name for p in directory.iterdir()) == ["bias.npy", "model.json",
                                                                "weights.npy"]


def test_without_training_data_messages_pass_untouched(storage):
    from components.classifier import IntentClassifier

    classifier = IntentClassifier.create(CONFIG, *storage)
    classifier.train(training_data({}))
    assert parsed(classifier, ["hej"])[0].get("intent") is None
    assert IntentClassifier.load(CONFIG, *storage).weights is None


@pytest.mark.parametrize("text, words", [
    ("Hjälp!", ["hjälp"]),
    ("¿Qué hago?", ["qué", "hago"]),
    ("136 40", ["136", "40"]),
    ("ምንድን እዩ፧", ["ምንድን", "እዩ"]),
    ("كيف أتصل؟", ["كيف", "أتصل"]),
    ("socialtjänsten's nummer 🙏", ["socialtjänsten's", "nummer"]),
])
def test_words_lose_only_the_punctuation_around_them(text, words):
    from components.classifier import words_of

    assert words_of(text) == words
