// Reads a FIT file with Garmin's own FIT SDK (npm @garmin/fitsdk) and prints what it found as
// JSON: {"is_fit", "integrity", "errors", "file_id", "weight_scale": [...]}. Used by
// tests/cli/export_fit.sh to check declouder's FIT export against the reference decoder.
import { readFileSync } from "node:fs";
import { Decoder, Stream } from "@garmin/fitsdk";

const bytes = readFileSync(process.argv[2]);
const stream = Stream.fromBuffer(bytes);
const decoder = new Decoder(stream);
const isFit = decoder.isFIT();
const integrity = decoder.checkIntegrity();
const { messages, errors } = decoder.read({ convertDateTimesToDates: false, convertTypesToStrings: true });
const out = {
  is_fit: isFit,
  integrity,
  errors: errors.map((e) => String(e)),
  file_id: (messages.fileIdMesgs || [])[0] || null,
  weight_scale: messages.weightScaleMesgs || [],
};
process.stdout.write(JSON.stringify(out, (k, v) => (typeof v === "bigint" ? Number(v) : v)) + "\n");
