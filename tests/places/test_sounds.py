"""Names heard as consonant sounds (vagut/sounds.py), for the finder's names in other scripts."""

from vagut.sounds import swedish_sounds


def test_swedish_names_are_heard_as_said_and_as_spelled():
    assert swedish_sounds("Göteborg") == {"YTBRY", "YTBR", "KTBRK"}  # "-borj", and its j as a vowel
    assert swedish_sounds("Linköping") == {"LNXBNK", "LNKBNK"}
    assert swedish_sounds("Stockholm") == {"STKHLM"}
