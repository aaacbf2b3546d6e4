package com.tallytrack;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TallyTrackApplication {

    public static void main(String[] args) {
        SpringApplication.run(TallyTrackApplication.class, args);
    }
}
