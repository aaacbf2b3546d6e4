package com.tallytrack.sync.listen;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

import com.tallytrack.sync.ManifestChangeListener;
import com.tallytrack.sync.Registration;
import com.tallytrack.sync.SyncService;

/**
 * Registers every Spring bean that implements {@link ManifestChangeListener} when it is initialised and
 * unregisters it when the container destroys it, so a listener never outlives its owner. (Prototype-scoped beans
 * are never destroyed by the container: register those through {@link SyncService#register} and close the
 * {@link Registration} yourself.)
 */
public final class ListenerBeanRegistrar implements DestructionAwareBeanPostProcessor {

    private final ObjectProvider<SyncService> sync;
    private final Map<Object, Registration> registrations = Collections.synchronizedMap(new IdentityHashMap<>());

    public ListenerBeanRegistrar(ObjectProvider<SyncService> sync) {
        this.sync = sync;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ManifestChangeListener listener) {
            registrations.put(bean, sync.getObject().register(listener));
        }
        return bean;
    }

    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) {
        Registration registration = registrations.remove(bean);
        if (registration != null) {
            registration.close();
        }
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return bean instanceof ManifestChangeListener;
    }
}
