package com.tallytrack.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/** A data source whose connections tell a test about every statement before it is made. */
public final class ObservedStatements {

    private ObservedStatements() {
    }

    /**
     * {@code target}, calling {@code beforeStatement} with the SQL of every statement prepared or called on its
     * connections (an empty string for {@code createStatement}) before the statement is made.
     */
    public static DataSource observed(DataSource target, Consumer<String> beforeStatement) {
        return new DelegatingDataSource(target) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection real = super.getConnection();
                InvocationHandler handler = (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "prepareStatement", "prepareCall" -> beforeStatement.accept((String) args[0]);
                        case "createStatement" -> beforeStatement.accept("");
                        default -> {
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                };
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, handler);
            }
        };
    }
}
