package io.laio.event;

import io.laio.event.contract.BackendContract;

/** The backend contract on the parking backend, which watches no sources. */
class ParkingBackendContractTest extends BackendContract {
    @Override
    protected EventBase newBase() {
        return EventBase.create("parking");
    }

    @Override
    protected ReadableSource openReadable() {
        return null;
    }
}
