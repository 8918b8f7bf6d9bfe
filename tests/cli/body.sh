#!/usr/bin/env bash
# `declouder body` as a user runs it: the reference case, skipped metrics with
# reasons, units, and command-line mistakes.
source "$(dirname "$0")/lib/common.sh"

# openScale's first reference case (../shared/research/scales.md section 3.3).
out=$("$DECLOUDER" body --sex male --age 30 --height-cm 180 --weight-kg 80 --impedance-ohm 500 --json)
expect_json "$out" '.bmi' '24.69'
expect_json "$out" '.fat_percent' '23.32'
expect_json "$out" '.water_percent' '52.61'
expect_json "$out" '.muscle_kg' '58.22'
expect_json "$out" '.bone_kg' '3.13'
expect_json "$out" '.visceral_fat' '10.8'
expect_json "$out" '.bmr_kcal' '1671.12'
expect_json "$out" '.lean_body_mass_kg' '61.35'
expect_json "$out" '.protein_percent' '20.17'
expect_json "$out" '.metabolic_age' '31.44'
expect_json "$out" '.body_type' '"overweight"'
expect_json "$out" '.ideal_weight_kg' '70'
expect_json "$out" '.skipped' 'null'

# Exactly the contract's keys, in order.
keys=$(python3 -c 'import json,sys; print(",".join(json.loads(sys.argv[1]).keys()))' "$out")
[ "$keys" = "bmi,fat_percent,water_percent,muscle_kg,bone_kg,visceral_fat,bmr_kcal,lean_body_mass_kg,protein_percent,metabolic_age,body_type,ideal_weight_kg" ] \
  || fail "keys are $keys"

# The Mi scale's impedance placeholder: weight-based metrics only, reasons given, exit 0.
out=$("$DECLOUDER" body --sex female --age 28 --height-cm 165 --weight-kg 60 --impedance-ohm 65533 --json)
expect_json "$out" '.visceral_fat' '4.71'
expect_json "$out" '.bmr_kcal' '1238.2'
expect_json "$out" '.fat_percent' 'null'
expect_json "$out" '.skipped.fat_percent' '"impedance 65533 ohm is outside 200..1500 ohm"'
expect_stderr_contains "skipped body_type: impedance 65533 ohm is outside" \
  "$DECLOUDER" body --sex female --age 28 --height-cm 165 --weight-kg 60 --impedance-ohm 65533
expect_status 0 "$DECLOUDER" body --sex male --age 150 --height-cm 180 --weight-kg 80

# Pounds in, the same metrics out.
a=$("$DECLOUDER" body --sex male --age 45 --height-cm 175 --weight-kg 95 --impedance-ohm 430 --json)
b=$("$DECLOUDER" body --sex male --age 45 --height-cm 175 --weight 209.4389 --unit lb --impedance-ohm 430 --json)
expect_json "$a" '.visceral_fat' '15.4'
expect_json "$b" '.visceral_fat' '15.4'
expect_json "$b" '.fat_percent' "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["fat_percent"])' "$a")"

# The text form.
"$DECLOUDER" body --sex male --age 30 --height-cm 180 --weight-kg 80 --impedance-ohm 500 | grep_all "body type *overweight" \
  || fail "text output lacks the body type"

# Mistakes: exit 2, one line naming the argument.
expect_status 2 "$DECLOUDER" body --sex x --age 30 --height-cm 180 --weight-kg 80
expect_stderr_contains "--sex: 'x' is not male or female" "$DECLOUDER" body --sex x --age 30 --height-cm 180 --weight-kg 80
expect_stderr_contains "--age is required" "$DECLOUDER" body --sex male --height-cm 180 --weight-kg 80
expect_stderr_contains "--weight-kg: 'heavy' is not a number" "$DECLOUDER" body --sex male --age 3 --height-cm 180 --weight-kg heavy
expect_stderr_contains "--unit: 'stone' is not kg, lb, st or jin" "$DECLOUDER" body --sex male --age 3 --height-cm 180 --weight 12 --unit stone
"$DECLOUDER" body --help | grep_all -- "--impedance-ohm" || fail "body --help does not explain --impedance-ohm"
pass
