// An independent ESPHome native API client (@2colors/esphome-native-api, the one
// node-red-contrib-esphome and ble-scale-sync use, with its own Noise implementation,
// noise-c compiled to WebAssembly, and google-protobuf) against declouder's simulated
// Bluetooth proxy node. Prints one JSON line of what it saw; tests/cli/esphome_npm.sh
// checks it.
//
// Usage: node esphome_client_check.js PORT KEY|"" MODE
//   MODE raw:    subscribe as the library does (raw advertisements, API >= 1.9)
//   MODE parsed: subscribe with flags 0 (the older, parsed BluetoothLEAdvertisementResponse)
//   MODE gatt:   connect to the device at ADDRESS (4th argument), list its services, read
//                the characteristic UUID (5th argument)
const { Connection } = require('@2colors/esphome-native-api');
const { pb } = require('@2colors/esphome-native-api/lib/utils/messages');

const [port, key, mode, address, readUuid] = process.argv.slice(2);
const out = { mode, adverts: [] };
const done = (code) => {
  console.log(JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  process.exit(code);
};
setTimeout(() => { out.error = 'timeout'; done(2); }, 8000);

const c = new Connection({ host: '127.0.0.1', port: Number(port), encryptionKey: key || '', reconnect: false });
c.on('error', (e) => { out.error = e.message; done(1); });
c.on('authorized', async () => {
  try {
    const info = await c.deviceInfoService();
    out.name = info.name;
    out.feature_flags = info.bluetoothProxyFeatureFlags;
    out.encryption = info.apiEncryptionSupported;
    if (mode === 'gatt') {
      const a = Number(BigInt('0x' + address.replace(/:/g, '')));
      const conn = await c.connectBluetoothDeviceService(a, 0);
      out.connected = conn.connected;
      const { servicesList } = await c.listBluetoothGATTServicesService(a);
      out.services = servicesList.map((s) => s.uuid);
      let handle = null;
      for (const s of servicesList)
        for (const ch of s.characteristicsList) if (ch.uuid === readUuid) handle = ch.handle;
      out.read_handle = handle;
      const r = await c.readBluetoothGATTCharacteristicService(a, handle);
      out.read = Buffer.from(r.data, 'base64').toString('hex');
      const d = await c.disconnectBluetoothDeviceService(a);
      out.disconnected = !d.connected;
      return done(0);
    }
    // Raw adverts arrive with their AD structures parsed by the library into legacyDataList;
    // parsed ones carry `data` (base64).
    const hex = (d) => (d.data ? Buffer.from(d.data, 'base64') : Buffer.from(d.legacyDataList || [])).toString('hex');
    const record = (m) => {
      out.adverts.push({
        address: m.address, name: m.name, rssi: m.rssi,
        service_data: (m.serviceDataList || []).map((d) => [d.uuid, hex(d)]),
        manufacturer_data: (m.manufacturerDataList || []).map((d) => [d.uuid, hex(d)]),
        service_uuids: m.serviceUuidsList || [],
      });
      if (out.adverts.length >= 6) done(0);
    };
    if (mode === 'parsed') {
      // The library's own mapping of the parsed form drops the data (it maps service_data to
      // its UUIDs): read the decoded protobuf message itself.
      c.frameHelper.on('message', (m) => {
        if (m.constructor.type === 'BluetoothLEAdvertisementResponse') {
          const o = m.toObject();
          o.name = Buffer.from(o.name || '', 'base64').toString();
          record(o);
        }
      });
      c.sendMessage(new pb.SubscribeBluetoothLEAdvertisementsRequest([0]));
    } else {
      c.on('message.BluetoothLEAdvertisementResponse', record);
      c.subscribeBluetoothAdvertisementService();
    }
  } catch (e) {
    out.error = e.message;
    done(1);
  }
});
c.connect();
