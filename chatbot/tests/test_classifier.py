"""components.classifier gives the same answers as Rasa's LogisticRegressionClassifier, which it
only makes quicker."""

import numpy as np
import pytest
import scipy.sparse


def featurized(rows, intents=None):
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    messages = []
    for i, row in enumerate(rows):
        data = {"text": f"message {i}"}
        if intents:
            data["intent"] = intents[i]
        message = Message(data=data)
        message.add_features(
            Features(scipy.sparse.coo_matrix([row]), "sentence", "text", "CountVectorsFeaturizer")
        )
        messages.append(message)
    return messages


@pytest.fixture
def make(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    def make(cls, name):
        (tmp_path / name).mkdir()
        return cls.create({"max_iter": 60, "random_state": 7}, LocalModelStorage(tmp_path / name),
                          Resource(name), ExecutionContext(GraphSchema({}), name))

    return make


def test_same_intents_and_confidences_as_rasas_classifier(make):
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.classifier import IntentClassifier

    rng = np.random.default_rng(7)
    rows = rng.poisson(0.3, size=(120, 50))
    intents = ["greet" if r[:25].sum() > r[25:].sum() else "danger" for r in rows]
    ours, rasas = make(IntentClassifier, "ours"), make(LogisticRegressionClassifier, "rasa")
    for classifier in (ours, rasas):
        classifier.train(TrainingData(training_examples=featurized(rows, intents)))

    new = rng.poisson(0.3, size=(20, 50))
    by_ours = ours.process(featurized(new))
    by_rasa = rasas.process(featurized(new))
    for a, b in zip(by_ours, by_rasa):
        assert a.get("intent")["name"] == b.get("intent")["name"]
        assert a.get("intent")["confidence"] == pytest.approx(b.get("intent")["confidence"])
    # The weights are laid out so that a message is multiplied without copying them.
    assert ours.clf.coef_.flags.f_contiguous
    assert {m.get("intent")["name"] for m in by_ours} == {"greet", "danger"}
