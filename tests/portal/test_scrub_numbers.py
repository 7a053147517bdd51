"""Numbers in public and staff texts. An ID number typed in groups of four (1101 0119 9003
0712 34) is masked whole: the phone patterns took its middle group as a landline and left
"1101 … 34" and, on a staff page, 13 of its 18 characters showing. A public service line
(热线12345) stays, so the resident can call it."""

from xieshang.portal.scrub import mask_numbers, strip_contacts

GROUPED = "身份证 1101 0119 9003 0712 34，请核实"


def test_a_grouped_id_number_is_stripped_whole_from_a_public_text():
    assert strip_contacts(GROUPED) == "身份证 ***，请核实"


def test_a_grouped_id_number_is_masked_whole_on_a_staff_page():
    assert mask_numbers(GROUPED) == "身份证 110****1234，请核实"


def test_two_mobiles_side_by_side_stay_two_numbers():
    assert mask_numbers("13812345678 13912345678") == "138****5678 139****5678"


def test_a_public_service_line_after_a_phone_label_stays_for_the_resident_to_call():
    text = "如仍有问题，可拨打热线12345或电话12315反映；联系电话：8765432。"
    assert strip_contacts(text) == "如仍有问题，可拨打热线12345或电话12315反映；联系电话：***。"
