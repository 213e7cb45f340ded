"""Dataset readers on tiny fake copies of the CASME II, SAMM and SMIC-HS layouts."""
import csv

import pytest

from fake_datasets import make_casme2, make_samm, make_smic, write_xlsx
from moltrain.data.casme2 import read_casme2
from moltrain.data.classes import ClassMappingError, class_list, map_emotion
from moltrain.data.records import DatasetLayoutError
from moltrain.data.samm import read_samm
from moltrain.data.sheets import AnnotationSheetError
from moltrain.data.smic import read_smic


def test_casme2_xlsx(tmp_path):
    root, rows = make_casme2(tmp_path)
    recs = read_casme2(root, write_xlsx(tmp_path / "CASME2-coding-20140508.xlsx", rows))
    assert [r.video_id for r in recs] == ["sub01/EP02_01f", "sub01/EP03_02", "sub02/EP01_11f", "sub02/EP05_03"]
    r = recs[0]
    assert (r.dataset, r.subject, r.emotion, r.onset, r.apex, r.offset) == ("casme2", "01", "happiness", 46, 59, 61)
    assert [f.name for f in r.frames] == [f"img{n}.jpg" for n in range(46, 62)]   # onset..offset, numeric order
    assert recs[1].apex is None                                                    # "/" in ApexFrame
    assert recs[1].source.endswith("row 3")


def test_casme2_csv(tmp_path):
    root, rows = make_casme2(tmp_path)
    sheet = tmp_path / "coding.csv"
    with sheet.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    assert len(read_casme2(root, sheet)) == 4


def test_casme2_missing_frame_names_sheet_row_and_frame(tmp_path):
    root, rows = make_casme2(tmp_path, skip_frames={50})
    sheet = write_xlsx(tmp_path / "c.xlsx", rows)
    with pytest.raises(DatasetLayoutError, match=r"c\.xlsx, row 2: .*missing \(first: 50"):
        read_casme2(root, sheet)


def test_casme2_bad_cell_names_row(tmp_path):
    root, rows = make_casme2(tmp_path)
    rows[3][2] = "five"
    with pytest.raises(AnnotationSheetError, match=r"c\.xlsx, row 4: 'OnsetFrame' is not a frame number"):
        read_casme2(root, write_xlsx(tmp_path / "c.xlsx", rows))


def test_casme2_offset_before_onset(tmp_path):
    root, rows = make_casme2(tmp_path)
    rows[1][4] = 40
    with pytest.raises(DatasetLayoutError, match=r"row 2: .*offset frame 40 before onset frame 46"):
        read_casme2(root, write_xlsx(tmp_path / "c.xlsx", rows))


def test_sheet_without_the_columns(tmp_path):
    root, rows = make_casme2(tmp_path)
    rows[0] = ["Subject", "Filename", "Start", "ApexFrame", "OffsetFrame", "Action Units", "Estimated Emotion"]
    with pytest.raises(AnnotationSheetError, match="no header row with columns"):
        read_casme2(root, write_xlsx(tmp_path / "c.xlsx", rows))


def test_not_a_workbook(tmp_path):
    root, _ = make_casme2(tmp_path)
    bad = tmp_path / "c.xlsx"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(AnnotationSheetError, match="not a readable XLSX"):
        read_casme2(root, bad)


def test_samm_header_below_notes(tmp_path):
    root, rows = make_samm(tmp_path)
    recs = read_samm(root, write_xlsx(tmp_path / "SAMM_Micro_FACS_Codes_v2.xlsx", rows))
    assert [r.video_id for r in recs] == ["006_1_2", "006_1_5", "007_3_1", "007_5_2"]
    r = recs[0]
    assert (r.subject, r.emotion, r.onset, r.apex, r.offset) == ("006", "Happiness", 5562, 5588, 5600)
    assert len(r.frames) == 39 and r.frames[0].name == "006_05562.jpg" and r.frames[-1].name == "006_05600.jpg"
    assert recs[0].source.endswith("row 15")   # 13 note rows, header on row 14


def test_samm_missing_clip_folder_names_row(tmp_path):
    root, rows = make_samm(tmp_path)
    rows[-1][1] = "007_9_9"
    with pytest.raises(DatasetLayoutError, match=r"row 18: .*007_9_9: sample folder not found"):
        read_samm(root, write_xlsx(tmp_path / "s.xlsx", rows))


def test_samm_filename_of_another_subject(tmp_path):
    root, rows = make_samm(tmp_path)
    rows[-1][0] = 8
    with pytest.raises(AnnotationSheetError, match=r"row 18: Filename '007_5_2' does not belong to subject 008"):
        read_samm(root, write_xlsx(tmp_path / "s.xlsx", rows))


def test_smic_layout(tmp_path):
    recs = read_smic(make_smic(tmp_path))
    assert [(r.subject, r.video_id, r.emotion, len(r.frames)) for r in recs] == [
        ("s1", "s1_ne_02", "negative", 9), ("s1", "s1_po_01", "positive", 12),
        ("s2", "s2_sur_01", "surprise", 16), ("s3", "s3_ne_01", "negative", 8)]
    assert recs[1].frames[0].name == "image133800.bmp"


def test_smic_unknown_class_folder(tmp_path):
    root = make_smic(tmp_path)
    (root / "HS" / "s2" / "micro" / "happy").mkdir()
    with pytest.raises(DatasetLayoutError, match=r"s2/micro/happy: unknown class folder"):
        read_smic(root)


def test_smic_unnumbered_frame(tmp_path):
    root = make_smic(tmp_path)
    (root / "HS" / "s3" / "micro" / "negative" / "s3_ne_01" / "thumb.bmp").write_bytes(b"")
    with pytest.raises(DatasetLayoutError, match=r"thumb\.bmp: frame file name does not match"):
        read_smic(root)


def test_megc_three_class_mapping():
    assert class_list("casme2", 3) == ["surprise", "positive", "negative"]
    assert [map_emotion("casme2", e, 3) for e in ("happiness", "disgust", "repression", "surprise", "others",
                                                   "fear", "sadness")] == [1, 2, 2, 0, None, None, None]
    assert [map_emotion("samm", e, 3) for e in ("Happiness", "Anger", "Contempt", "Disgust", "Fear", "Sadness",
                                                 "Surprise", "Other")] == [1, 2, 2, 2, 2, 2, 0, None]
    assert [map_emotion("smic", e, 3) for e in ("positive", "negative", "surprise")] == [1, 2, 0]


def test_five_class_mapping_follows_mol_order():
    assert [map_emotion("casme2", e, 5) for e in ("surprise", "happiness", "disgust", "repression", "others",
                                                   "fear")] == [0, 1, 2, 3, 4, None]
    assert [map_emotion("samm", e, 5) for e in ("Surprise", "Happiness", "Anger", "Contempt", "Other",
                                                 "Disgust")] == [0, 1, 2, 3, 4, None]
    with pytest.raises(ClassMappingError, match="smic has no 5-class"):
        map_emotion("smic", "positive", 5)
    with pytest.raises(ClassMappingError, match="unknown dataset"):
        class_list("casme3", 3)
