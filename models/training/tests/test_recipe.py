"""RECIPE.md §6 test vectors."""
import math

from moltrain.recipe import hash32, input_clip, sequential_checksum, u_array, u_scalar


def test_hash32_vectors():
    assert [hash32(0), hash32(1), hash32(2), hash32(100000), hash32(0xFFFFFFFF)] == [
        0, 1753845952, 3507691905, 727286121, 1734902346]


def test_u_vectors():
    assert u_scalar(1, 0, 0) == -0.7187313525937498
    assert u_scalar(1, 100000, 0) == 0.2812269050627947
    assert u_scalar(2, 0, 0) == -0.31362434197217226
    assert 1 / math.sqrt(32) == 0.17677669529663687


def test_vectorised_u_equals_scalar():
    arr = u_array(7, 123, 1000)
    assert arr.tolist() == [u_scalar(7, 123, i) for i in range(1000)]


def test_input_clip_checksums():
    assert sequential_checksum(input_clip(1)) == 184.96313885044202
    assert sequential_checksum(input_clip(2)) == 118.9963308966237
